package node

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func running() corev1.ContainerStatus {
	return corev1.ContainerStatus{State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}
}

func waiting(restarted bool) corev1.ContainerStatus {
	s := corev1.ContainerStatus{State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "x"}}}
	if restarted {
		s.LastTerminationState.Terminated = &corev1.ContainerStateTerminated{ExitCode: 1}
	}
	return s
}

func exited(code int32) corev1.ContainerStatus {
	return corev1.ContainerStatus{State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}}
}

func TestPodPhase(t *testing.T) {
	A, O, N := corev1.RestartPolicyAlways, corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever
	cases := []struct {
		name                         string
		policy                       corev1.RestartPolicy
		cs                           []corev1.ContainerStatus
		initDone, initFailed, delete bool
		want                         corev1.PodPhase
	}{
		{"init pending", A, []corev1.ContainerStatus{waiting(false)}, false, false, false, corev1.PodPending},
		{"init failed", N, []corev1.ContainerStatus{waiting(false)}, false, true, false, corev1.PodFailed},
		{"creating", A, []corev1.ContainerStatus{waiting(false)}, true, false, false, corev1.PodPending},
		{"running", A, []corev1.ContainerStatus{running(), running()}, true, false, false, corev1.PodRunning},
		{"one not started", A, []corev1.ContainerStatus{running(), waiting(false)}, true, false, false, corev1.PodPending},
		{"crash loop", A, []corev1.ContainerStatus{waiting(true)}, true, false, false, corev1.PodRunning},
		{"never ok", N, []corev1.ContainerStatus{exited(0), exited(0)}, true, false, false, corev1.PodSucceeded},
		{"never fail", N, []corev1.ContainerStatus{exited(0), exited(2)}, true, false, false, corev1.PodFailed},
		{"never partly", N, []corev1.ContainerStatus{exited(2), running()}, true, false, false, corev1.PodRunning},
		{"onfailure ok", O, []corev1.ContainerStatus{exited(0)}, true, false, false, corev1.PodSucceeded},
		{"onfailure restarting", O, []corev1.ContainerStatus{waiting(true)}, true, false, false, corev1.PodRunning},
		{"always exited", A, []corev1.ContainerStatus{exited(0)}, true, false, false, corev1.PodRunning},
		{"deleted ok", A, []corev1.ContainerStatus{exited(0)}, true, false, true, corev1.PodSucceeded},
		{"deleted killed", A, []corev1.ContainerStatus{exited(143)}, true, false, true, corev1.PodFailed},
	}
	for _, c := range cases {
		if got := podPhase(c.policy, c.cs, c.initDone, c.initFailed, c.delete); got != c.want {
			t.Errorf("%s: phase %s, want %s", c.name, got, c.want)
		}
	}
}

func TestMergeConditions(t *testing.T) {
	t0 := metav1.NewTime(time.Unix(1000, 0))
	t1 := metav1.NewTime(time.Unix(2000, 0))
	prev := []corev1.PodCondition{
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: t0},
		{Type: corev1.PodInitialized, Status: corev1.ConditionTrue, LastTransitionTime: t0},
		{Type: corev1.PodReady, Status: corev1.ConditionFalse, LastTransitionTime: t0},
	}
	got := mergeConditions(prev, conditionInputs{initDone: true, containersReady: true, gatesReady: true,
		sandboxReady: true, phase: corev1.PodRunning}, t1)
	byType := map[corev1.PodConditionType]corev1.PodCondition{}
	for _, c := range got {
		byType[c.Type] = c
	}
	if len(got) != 5 {
		t.Fatalf("conditions = %+v", got)
	}
	if c := byType[corev1.PodScheduled]; c.LastTransitionTime != t0 {
		t.Errorf("PodScheduled changed: %+v", c)
	}
	if c := byType[corev1.PodInitialized]; c.Status != corev1.ConditionTrue || c.LastTransitionTime != t0 {
		t.Errorf("Initialized = %+v", c)
	}
	if c := byType[corev1.PodReady]; c.Status != corev1.ConditionTrue || c.LastTransitionTime != t1 {
		t.Errorf("Ready = %+v", c)
	}
	got = mergeConditions(got, conditionInputs{initDone: true, containersReady: true, gatesReady: false, phase: corev1.PodRunning}, t1)
	for _, c := range got {
		if c.Type == corev1.PodReady && (c.Status != corev1.ConditionFalse || c.Reason != "ContainersNotReady") {
			t.Errorf("gated Ready = %+v", c)
		}
		if c.Type == corev1.ContainersReady && c.Status != corev1.ConditionTrue {
			t.Errorf("ContainersReady = %+v", c)
		}
	}
}

func TestReadinessGates(t *testing.T) {
	spec := &corev1.PodSpec{ReadinessGates: []corev1.PodReadinessGate{{ConditionType: "example.com/ok"}}}
	if readinessGatesReady(spec, nil) {
		t.Error("gate without condition should not be ready")
	}
	if !readinessGatesReady(spec, []corev1.PodCondition{{Type: "example.com/ok", Status: corev1.ConditionTrue}}) {
		t.Error("gate with True condition should be ready")
	}
}

func TestShouldRestart(t *testing.T) {
	if !shouldRestart(corev1.RestartPolicyAlways, 0) || shouldRestart(corev1.RestartPolicyNever, 1) ||
		shouldRestart(corev1.RestartPolicyOnFailure, 0) || !shouldRestart(corev1.RestartPolicyOnFailure, 1) {
		t.Error("restart policy table wrong")
	}
}
