// A reconcile's outcome for one object as the three standard conditions. Controllers decide
// a Verdict with pure checks; this turns it into conditions, keeping lastTransitionTime when a
// condition's status did not flip (setCondition).
import { type Condition, setCondition } from '../kube/status.ts';

export interface Verdict {
  ready: 'True' | 'False' | 'Unknown';
  /** PascalCase constant (the Kind's Reason table). */
  reason: string;
  message: string;
  /** Still moving towards the desired state (not stuck). */
  progressing: boolean;
  /** Failing in a way a person must fix. */
  degraded: boolean;
}

export function verdictConditions(
  previous: Condition[] | undefined,
  v: Verdict,
  observedGeneration: number,
  now: Date,
): Condition[] {
  const flag = (on: boolean) => (on ? 'True' : 'False');
  let conditions = setCondition(
    previous,
    { type: 'Ready', status: v.ready, reason: v.reason, message: v.message },
    observedGeneration,
    now,
  );
  conditions = setCondition(
    conditions,
    { type: 'Progressing', status: flag(v.progressing), reason: v.reason, message: v.message },
    observedGeneration,
    now,
  );
  return setCondition(
    conditions,
    { type: 'Degraded', status: flag(v.degraded), reason: v.reason, message: v.message },
    observedGeneration,
    now,
  );
}
