package node

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Pure computations of pod phase and conditions from container statuses, after kubelet's.

// podPhase derives the phase. initDone says every (non-sidecar) init container succeeded;
// initFailed that one failed for good; deleting that the pod is being deleted.
func podPhase(restart corev1.RestartPolicy, regular []corev1.ContainerStatus, initDone, initFailed, deleting bool) corev1.PodPhase {
	if initFailed {
		return corev1.PodFailed
	}
	if !initDone {
		return corev1.PodPending
	}
	var running, waiting, stopped, succeeded int
	for _, s := range regular {
		switch {
		case s.State.Running != nil:
			running++
		case s.State.Terminated != nil:
			stopped++
			if s.State.Terminated.ExitCode == 0 {
				succeeded++
			}
		case s.State.Waiting != nil && s.LastTerminationState.Terminated != nil:
			stopped++
		default:
			waiting++
		}
	}
	allTerminated := len(regular) > 0 && stopped == len(regular) && waiting == 0 && running == 0
	allDone := true
	for _, s := range regular {
		if s.State.Terminated == nil {
			allDone = false
		}
	}
	switch {
	case deleting && allDone && len(regular) > 0:
		if succeeded == len(regular) {
			return corev1.PodSucceeded
		}
		return corev1.PodFailed
	case waiting > 0:
		return corev1.PodPending
	case running > 0:
		return corev1.PodRunning
	case allTerminated:
		switch restart {
		case corev1.RestartPolicyAlways:
			return corev1.PodRunning
		case corev1.RestartPolicyOnFailure:
			if succeeded == len(regular) {
				return corev1.PodSucceeded
			}
			return corev1.PodRunning
		default:
			if !allDone {
				return corev1.PodRunning
			}
			if succeeded == len(regular) {
				return corev1.PodSucceeded
			}
			return corev1.PodFailed
		}
	}
	return corev1.PodPending
}

// conditionInputs is what the pod conditions derive from.
type conditionInputs struct {
	initDone        bool
	containersReady bool
	gatesReady      bool
	sandboxReady    bool
	phase           corev1.PodPhase
}

// containersReady is true when every regular container is ready.
func containersReady(regular []corev1.ContainerStatus) bool {
	if len(regular) == 0 {
		return false
	}
	for _, s := range regular {
		if !s.Ready {
			return false
		}
	}
	return true
}

// readinessGatesReady checks the pod's readiness gates against its current conditions.
func readinessGatesReady(spec *corev1.PodSpec, conds []corev1.PodCondition) bool {
	for _, g := range spec.ReadinessGates {
		ok := false
		for _, c := range conds {
			if c.Type == g.ConditionType && c.Status == corev1.ConditionTrue {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// mergeConditions sets the conditions the node owns on top of prev (keeping the ones others
// own, such as PodScheduled), preserving lastTransitionTime when a status is unchanged.
func mergeConditions(prev []corev1.PodCondition, in conditionInputs, now metav1.Time) []corev1.PodCondition {
	b := func(v bool) corev1.ConditionStatus {
		if v {
			return corev1.ConditionTrue
		}
		return corev1.ConditionFalse
	}
	terminal := in.phase == corev1.PodSucceeded || in.phase == corev1.PodFailed
	mine := []corev1.PodCondition{
		{Type: corev1.PodReadyToStartContainers, Status: b(in.sandboxReady)},
		{Type: corev1.PodInitialized, Status: b(in.initDone)},
		{Type: corev1.ContainersReady, Status: b(in.containersReady && !terminal)},
		{Type: corev1.PodReady, Status: b(in.containersReady && in.gatesReady && !terminal)},
	}
	for i := range mine {
		c := &mine[i]
		if c.Status == corev1.ConditionFalse {
			switch {
			case c.Type == corev1.PodInitialized:
				c.Reason = "ContainersNotInitialized"
			case terminal && (c.Type == corev1.ContainersReady || c.Type == corev1.PodReady):
				c.Reason = "PodCompleted"
			case c.Type == corev1.ContainersReady || c.Type == corev1.PodReady:
				c.Reason = "ContainersNotReady"
			}
		}
	}
	out := make([]corev1.PodCondition, 0, len(prev)+len(mine))
	seen := map[corev1.PodConditionType]bool{}
	for _, c := range mine {
		seen[c.Type] = true
	}
	if !seen[corev1.PodScheduled] {
		scheduled := false
		for _, c := range prev {
			if c.Type == corev1.PodScheduled {
				scheduled = true
			}
		}
		if !scheduled {
			out = append(out, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: now})
		}
	}
	for _, c := range prev {
		if !seen[c.Type] {
			out = append(out, c)
		}
	}
	for _, c := range mine {
		c.LastTransitionTime = now
		for _, p := range prev {
			if p.Type == c.Type && p.Status == c.Status {
				c.LastTransitionTime = p.LastTransitionTime
			}
		}
		out = append(out, c)
	}
	return out
}

// shouldRestart applies a restart policy to an exit code.
func shouldRestart(policy corev1.RestartPolicy, exitCode int32) bool {
	switch policy {
	case corev1.RestartPolicyNever:
		return false
	case corev1.RestartPolicyOnFailure:
		return exitCode != 0
	default:
		return true
	}
}

// terminatedReason is kubelet's reason for an exit code.
func terminatedReason(exitCode int32) string {
	if exitCode == 0 {
		return "Completed"
	}
	return "Error"
}
