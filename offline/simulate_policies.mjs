// Evaluates IAM requests with @cloud-copilot/iam-simulate (offline/policy_simulator.py drives it).
// stdin:  {"cases": [{id, principal, account, action, resource, context, identityPolicies,
//                     resourcePolicy?, unvalidated?}]}
// stdout: [{id, result, errors?}], result being Allowed, ExplicitlyDenied, ImplicitlyDenied or Error.
// `unvalidated` runs the same evaluation without checking the request against the Service
// Authorization Reference (see policy_simulator.py for the one action that needs it).
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const { cases } = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const results = []
for (const request of cases) {
  const simulation = {
    identityPolicies: request.identityPolicies ?? [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy ?? undefined,
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.account },
      contextVariables: request.context ?? {},
    },
  }
  if (request.unvalidated) {
    // The unsafe engine loads a resource policy without a name and then reads its name; a policy
    // marked as already validated (@cloud-copilot/iam-policy's isValidatedPolicy) keeps one.
    if (simulation.resourcePolicy) {
      simulation.resourcePolicy = {
        __validated: true,
        policyDocument: simulation.resourcePolicy,
        metadata: { name: 'ResourcePolicy' },
      }
    }
    results.push({ id: request.id, result: runUnsafeSimulation(simulation, {}) })
    continue
  }
  const response = await runSimulation(simulation, {})
  results.push(
    response.resultType === 'error'
      ? { id: request.id, result: 'Error', errors: response.errors }
      : { id: request.id, result: response.overallResult },
  )
}
process.stdout.write(JSON.stringify(results))
