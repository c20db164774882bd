package node

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

// testProvider is a provider whose pods run for real (host network, so no namespaces are made)
// through this test binary acting as pod-exec, against a fake API server.
type testProvider struct {
	*provider
	mu   sync.Mutex
	last map[string]*corev1.Pod
}

func newTestProvider(t *testing.T, objs ...*corev1.Pod) *testProvider {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (pod-exec takes a mount namespace)")
	}
	dir := t.TempDir()
	_, subnet, _ := net.ParseCIDR("10.250.99.0/24")
	a, err := loadIPAM(filepath.Join(dir, "node", "ipam.json"), subnet, net.ParseIP("10.250.99.1"))
	if err != nil {
		t.Fatal(err)
	}
	client := fake.NewClientset()
	for _, o := range objs {
		if _, err := client.CoreV1().Pods(o.Namespace).Create(context.Background(), o, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	tp := &testProvider{last: map[string]*corev1.Pod{}}
	tp.provider = &provider{
		cfg:     &config{dir: dir, images: filepath.Join(dir, "images.yaml"), restartBackoffBase: 300 * time.Millisecond},
		client:  client,
		net:     &network{gateway: net.ParseIP("10.250.99.1"), subnet: subnet, ipam: a, pods: map[string]bool{}},
		objects: &clientObjects{client: client},
		log:     slog.New(slog.NewTextHandler(io.Discard, nil)),
		kubeExe: os.Args[0],
		svcEnv:  serviceEnv("10.250.99.1", 6443),
		pods:    map[string]*podRuntime{}, byUID: map[string]*podRuntime{},
	}
	tp.NotifyPods(context.Background(), func(p *corev1.Pod) {
		tp.mu.Lock()
		tp.last[p.Name] = p
		tp.mu.Unlock()
	})
	t.Cleanup(func() { tp.Shutdown(time.Second) })
	return tp
}

// waitFor polls the last notified status of a pod until cond holds.
func (tp *testProvider) waitFor(t *testing.T, name, what string, cond func(*corev1.Pod) bool) *corev1.Pod {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tp.mu.Lock()
		p := tp.last[name]
		tp.mu.Unlock()
		if p != nil && cond(p) {
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	tp.mu.Lock()
	defer tp.mu.Unlock()
	t.Fatalf("pod %s never %s; last status %+v", name, what, tp.last[name])
	return nil
}

func testPod(name string, policy corev1.RestartPolicy, script string) *corev1.Pod {
	grace := int64(1)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", UID: types.UID(name + "-0000-1111-2222-333333333333")},
		Spec: corev1.PodSpec{
			HostNetwork: true, RestartPolicy: policy, TerminationGracePeriodSeconds: &grace, NodeName: "flotilla-local",
			Containers: []corev1.Container{{Name: "c", Image: "busybox", Command: []string{"/bin/sh", "-c", script},
				Env: []corev1.EnvVar{{Name: "WHO", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}}}},
		},
	}
}

func TestPodCrashLoop(t *testing.T) {
	pod := testPod("crash", corev1.RestartPolicyAlways, "echo run $WHO; exit 3")
	tp := newTestProvider(t, pod)
	if err := tp.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	p := tp.waitFor(t, "crash", "crash-looped", func(p *corev1.Pod) bool {
		s := p.Status.ContainerStatuses
		return len(s) == 1 && s[0].RestartCount >= 2 && s[0].State.Waiting != nil && s[0].State.Waiting.Reason == "CrashLoopBackOff"
	})
	s := p.Status.ContainerStatuses[0]
	if s.LastTerminationState.Terminated == nil || s.LastTerminationState.Terminated.ExitCode != 3 ||
		s.LastTerminationState.Terminated.Reason != "Error" {
		t.Errorf("lastState = %+v", s.LastTerminationState)
	}
	if p.Status.Phase != corev1.PodRunning || s.Ready {
		t.Errorf("phase %s ready %v", p.Status.Phase, s.Ready)
	}
	rc, err := tp.GetContainerLogs(context.Background(), "default", "crash", "c", api.ContainerLogOpts{Previous: true})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if string(data) != "run crash\n" {
		t.Errorf("previous log = %q", data)
	}
}

func TestPodCompletes(t *testing.T) {
	pod := testPod("once", corev1.RestartPolicyNever, "echo done")
	tp := newTestProvider(t, pod)
	if err := tp.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	p := tp.waitFor(t, "once", "succeeded", func(p *corev1.Pod) bool { return p.Status.Phase == corev1.PodSucceeded })
	term := p.Status.ContainerStatuses[0].State.Terminated
	if term == nil || term.ExitCode != 0 || term.Reason != "Completed" || p.Status.ContainerStatuses[0].RestartCount != 0 {
		t.Errorf("container status %+v", p.Status.ContainerStatuses[0])
	}
}

func TestPodDeleteGraceful(t *testing.T) {
	pod := testPod("svc", corev1.RestartPolicyAlways, "trap 'echo bye; exit 0' TERM; echo up; while :; do sleep 0.1; done")
	tp := newTestProvider(t, pod)
	ctx := context.Background()
	if err := tp.CreatePod(ctx, pod); err != nil {
		t.Fatal(err)
	}
	p := tp.waitFor(t, "svc", "became ready", func(p *corev1.Pod) bool {
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				return true
			}
		}
		return false
	})
	if p.Status.PodIP != "10.250.99.1" || p.Status.HostIP != "10.250.99.1" || p.Status.StartTime == nil {
		t.Errorf("status addresses %+v", p.Status)
	}
	r := tp.lookup("default", "svc")
	waitForLog(t, logPath(r.dir, "c", 0), "up") // the trap is set
	start := time.Now()
	if err := tp.DeletePod(ctx, pod); err != nil {
		t.Fatal(err)
	}
	<-r.done
	if el := time.Since(start); el > 900*time.Millisecond {
		t.Errorf("graceful delete took %s", el)
	}
	p = tp.waitFor(t, "svc", "terminated", func(p *corev1.Pod) bool {
		t := p.Status.ContainerStatuses[0].State.Terminated
		return t != nil && p.Status.Phase == corev1.PodSucceeded
	})
	if _, err := tp.client.CoreV1().Pods("default").Get(ctx, "svc", metav1.GetOptions{}); err == nil {
		t.Error("pod object not deleted")
	}
	if _, err := os.Stat(r.dir); !os.IsNotExist(err) {
		t.Error("pod directory not removed")
	}
	if tp.lookup("default", "svc") != nil {
		t.Error("provider still knows the pod")
	}
	if !strings.Contains(p.Status.ContainerStatuses[0].State.Terminated.Reason, "Completed") {
		t.Errorf("terminated %+v", p.Status.ContainerStatuses[0].State.Terminated)
	}
}

func TestPodImageNotMapped(t *testing.T) {
	pod := testPod("img", corev1.RestartPolicyAlways, "")
	pod.Spec.Containers[0].Command = nil
	pod.Spec.Containers[0].Image = "ghcr.io/example/app:2"
	tp := newTestProvider(t, pod)
	if err := tp.CreatePod(context.Background(), pod); err != nil {
		t.Fatal(err)
	}
	p := tp.waitFor(t, "img", "waited for its image", func(p *corev1.Pod) bool {
		w := p.Status.ContainerStatuses[0].State.Waiting
		return w != nil && w.Reason == "ImageNotMapped"
	})
	if p.Status.Phase != corev1.PodPending || !strings.Contains(p.Status.ContainerStatuses[0].State.Waiting.Message, "images.yaml") {
		t.Errorf("status %+v", p.Status)
	}
	if err := os.WriteFile(tp.cfg.images, []byte("images:\n  ghcr.io/example/app: [/bin/sh, -c, 'echo mapped; sleep 30']\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tp.waitFor(t, "img", "started after the mapping appeared", func(p *corev1.Pod) bool {
		return p.Status.ContainerStatuses[0].State.Running != nil
	})
}
