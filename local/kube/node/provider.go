package node

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/virtual-kubelet/virtual-kubelet/errdefs"
	vknode "github.com/virtual-kubelet/virtual-kubelet/node"
	"github.com/virtual-kubelet/virtual-kubelet/node/api"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/record"
)

// provider is the virtual-kubelet PodLifecycleHandler (and PodNotifier): it keeps one
// podRuntime per pod bound to this node.
type provider struct {
	cfg         *config
	client      kubernetes.Interface
	net         *network
	objects     *clientObjects
	recorder    record.EventRecorder
	log         *slog.Logger
	kubeExe     string
	allocatable corev1.ResourceList
	svcEnv      map[string]string

	mu     sync.Mutex
	pods   map[string]*podRuntime // namespace/name -> the current pod of that name
	byUID  map[string]*podRuntime // every pod still running or stopping
	notify func(*corev1.Pod)
	quiet  atomic.Bool // set on agent shutdown: no more status updates
}

var (
	_ vknode.PodLifecycleHandler = (*provider)(nil)
	_ vknode.PodNotifier         = (*provider)(nil)
)

// CreatePod starts a pod.
func (p *provider) CreatePod(ctx context.Context, pod *corev1.Pod) error {
	key := pod.Namespace + "/" + pod.Name
	p.mu.Lock()
	cur := p.pods[key]
	if cur != nil && cur.uid == string(pod.UID) {
		p.mu.Unlock()
		cur.update(pod)
		return nil
	}
	r := newPodRuntime(p, pod, cur)
	p.pods[key] = r
	p.byUID[r.uid] = r
	p.mu.Unlock()
	r.log.Info("pod created")
	go r.run()
	return nil
}

// UpdatePod applies changes to a running pod.
func (p *provider) UpdatePod(ctx context.Context, pod *corev1.Pod) error {
	r := p.lookupUID(string(pod.UID))
	if r == nil {
		return p.CreatePod(ctx, pod)
	}
	r.update(pod)
	return nil
}

// DeletePod stops a pod with its grace period; when its processes are gone it reports the
// final status, frees its network and removes the pod object.
func (p *provider) DeletePod(ctx context.Context, pod *corev1.Pod) error {
	r := p.lookupUID(string(pod.UID))
	if r == nil {
		return errdefs.NotFoundf("pod %s/%s is not running on this node", pod.Namespace, pod.Name)
	}
	grace := specGrace(&pod.Spec)
	if pod.DeletionGracePeriodSeconds != nil {
		grace = time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	}
	r.log.Info("pod deleting", "grace", grace)
	r.terminate(grace, true)
	return nil
}

// GetPod returns the pod with its current status.
func (p *provider) GetPod(ctx context.Context, namespace, name string) (*corev1.Pod, error) {
	r := p.lookup(namespace, name)
	if r == nil {
		return nil, errdefs.NotFoundf("pod %s/%s is not running on this node", namespace, name)
	}
	return r.snapshot(), nil
}

// GetPodStatus returns the pod's current status.
func (p *provider) GetPodStatus(ctx context.Context, namespace, name string) (*corev1.PodStatus, error) {
	pod, err := p.GetPod(ctx, namespace, name)
	if err != nil {
		return nil, err
	}
	return &pod.Status, nil
}

// GetPods lists the pods this node runs.
func (p *provider) GetPods(ctx context.Context) ([]*corev1.Pod, error) {
	p.mu.Lock()
	rs := make([]*podRuntime, 0, len(p.pods))
	for _, r := range p.pods {
		rs = append(rs, r)
	}
	p.mu.Unlock()
	out := make([]*corev1.Pod, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.snapshot())
	}
	return out, nil
}

// NotifyPods registers the pod controller's status callback.
func (p *provider) NotifyPods(ctx context.Context, f func(*corev1.Pod)) {
	p.mu.Lock()
	p.notify = f
	p.mu.Unlock()
}

func (p *provider) notifyPod(pod *corev1.Pod) {
	if p.quiet.Load() {
		return
	}
	p.mu.Lock()
	f := p.notify
	p.mu.Unlock()
	if f != nil {
		f(pod)
	}
}

func (p *provider) lookup(namespace, name string) *podRuntime {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pods[namespace+"/"+name]
}

func (p *provider) lookupUID(uid string) *podRuntime {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byUID[uid]
}

// forget drops a pod that has ended.
func (p *provider) forget(r *podRuntime) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pods[r.key] == r {
		delete(p.pods, r.key)
	}
	delete(p.byUID, r.uid)
}

func (p *provider) event(pod *corev1.Pod, kind, reason, format string, args ...any) {
	if p.recorder == nil || p.quiet.Load() {
		return
	}
	p.recorder.Eventf(pod, kind, reason, format, args...)
}

// Shutdown stops every pod's processes (SIGTERM, at most grace, SIGKILL) without reporting
// anything: the pods stay bound to the node and start again with the next agent.
func (p *provider) Shutdown(grace time.Duration) {
	p.quiet.Store(true)
	p.mu.Lock()
	rs := make([]*podRuntime, 0, len(p.byUID))
	for _, r := range p.byUID {
		rs = append(rs, r)
	}
	p.mu.Unlock()
	for _, r := range rs {
		g := min(specGrace(&r.pod.Spec), grace)
		r.terminate(g, false)
	}
	deadline := time.After(grace + 5*time.Second)
	for _, r := range rs {
		select {
		case <-r.done:
		case <-deadline:
			p.log.Warn("pod did not stop in time", "pod", r.key)
		}
	}
}

// collectGarbage frees the addresses, namespaces and directories of pods that no longer exist
// (deleted while no agent ran). live holds the UIDs of pods bound to this node.
func (p *provider) collectGarbage(live map[types.UID]bool) {
	p.mu.Lock()
	for uid := range p.byUID {
		live[types.UID(uid)] = true
	}
	p.mu.Unlock()
	stale := map[string]bool{}
	for _, uid := range p.net.ipam.UIDs() {
		if !live[types.UID(uid)] {
			stale[uid] = true
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(p.cfg.dir, "node", "pods", "*"))
	for _, d := range dirs {
		if uid := filepath.Base(d); !live[types.UID(uid)] {
			stale[uid] = true
		}
	}
	for uid := range stale {
		dir := filepath.Join(p.cfg.dir, "node", "pods", uid)
		pids, _ := filepath.Glob(filepath.Join(dir, "pids", "*"))
		for _, f := range pids {
			_, _ = killPidFile(f)
		}
		if err := p.net.ReleasePod(uid); err != nil {
			p.log.Warn("release stale pod network", "uid", uid, "error", err)
		}
		if err := os.RemoveAll(dir); err != nil {
			p.log.Warn("remove stale pod directory", "uid", uid, "error", err)
		}
		p.log.Info("cleaned up a pod that no longer exists", "uid", uid)
	}
}

// RunInContainer is not supported (kubectl exec).
func (p *provider) RunInContainer(ctx context.Context, namespace, podName, containerName string, cmd []string, attach api.AttachIO) error {
	return errdefs.InvalidInput("exec is not supported by the flotilla node")
}

// AttachToContainer is not supported (kubectl attach).
func (p *provider) AttachToContainer(ctx context.Context, namespace, podName, containerName string, attach api.AttachIO) error {
	return errdefs.InvalidInput("attach is not supported by the flotilla node")
}

// clientObjects reads what pods reference through the API server.
type clientObjects struct{ client kubernetes.Interface }

func (o *clientObjects) ConfigMap(ctx context.Context, namespace, name string) (*corev1.ConfigMap, error) {
	cm, err := o.client.CoreV1().ConfigMaps(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("get configmap %s/%s: %w", namespace, name, err)
	}
	return cm, nil
}

func (o *clientObjects) Secret(ctx context.Context, namespace, name string) (*corev1.Secret, error) {
	s, err := o.client.CoreV1().Secrets(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, fmt.Errorf("get secret %s/%s: %w", namespace, name, err)
	}
	return s, nil
}

func (o *clientObjects) CreateToken(ctx context.Context, namespace, sa string, req *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error) {
	tr, err := o.client.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, sa, req, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("request token for %s/%s: %w", namespace, sa, err)
	}
	return tr, nil
}

func errNotFoundf(format string, args ...any) error   { return errdefs.NotFoundf(format, args...) }
func errBadRequestf(format string, args ...any) error { return errdefs.InvalidInputf(format, args...) }
