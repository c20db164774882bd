package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// podRuntime is one pod on this node: its network namespace, volumes and containers, and the
// status derived from them. Its run goroutine takes the pod from creation to termination.
type podRuntime struct {
	p    *provider
	key  string
	uid  string
	dir  string // D/node/pods/<uid>
	log  *slog.Logger
	prev *podRuntime // an older pod of the same name still stopping

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	dirty  chan struct{}
	quit   chan struct{} // stops the status notifier

	mu            sync.Mutex
	pod           *corev1.Pod
	podIP         string
	netns         string
	startTime     *metav1.Time
	volumes       map[string]hostVolume
	volumeManager *volumeManager
	initCs        []*container
	cs            []*container
	initDone      bool
	initFailed    bool
	sandboxReady  bool
	deleting      bool
	grace         time.Duration
	conds         []corev1.PodCondition
}

// container is one container of a pod and its status.
type container struct {
	spec    corev1.Container
	init    bool
	sidecar bool // an init container with restartPolicy Always
	status  corev1.ContainerStatus
	runs    int32 // runs started, counting those of an earlier agent
	proc    *process
	kill    chan string // asks the current run to stop (liveness failure, spec change)
	started chan struct{}
	once    sync.Once
}

func newPodRuntime(p *provider, pod *corev1.Pod, prev *podRuntime) *podRuntime {
	ctx, cancel := context.WithCancel(context.Background())
	uid := string(pod.UID)
	r := &podRuntime{
		p: p, key: pod.Namespace + "/" + pod.Name, uid: uid,
		dir:  filepath.Join(p.cfg.dir, "node", "pods", uid),
		log:  p.log.With("pod", pod.Namespace+"/"+pod.Name),
		prev: prev, ctx: ctx, cancel: cancel,
		done: make(chan struct{}), dirty: make(chan struct{}, 1), quit: make(chan struct{}),
		pod:   pod.DeepCopy(),
		conds: pod.Status.Conditions,
	}
	if pod.Status.StartTime != nil {
		r.startTime = pod.Status.StartTime.DeepCopy()
	} else {
		now := metav1.Now()
		r.startTime = &now
	}
	prevStatus := map[string]corev1.ContainerStatus{}
	for _, s := range append(append([]corev1.ContainerStatus{}, pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...) {
		prevStatus[s.Name] = s
	}
	waitReason := "ContainerCreating"
	if len(pod.Spec.InitContainers) > 0 {
		waitReason = "PodInitializing"
	}
	mk := func(spec corev1.Container, init bool, reason string) *container {
		c := &container{spec: spec, init: init, kill: make(chan string, 1), started: make(chan struct{})}
		c.sidecar = init && spec.RestartPolicy != nil && *spec.RestartPolicy == corev1.ContainerRestartPolicyAlways
		c.status = corev1.ContainerStatus{
			Name: spec.Name, Image: spec.Image,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}},
		}
		if s, ok := prevStatus[spec.Name]; ok && (s.ContainerID != "" || s.RestartCount > 0) {
			// Carried over from before an agent restart: the next run is a restart.
			c.status.RestartCount = s.RestartCount
			c.runs = s.RestartCount + 1
			if s.State.Terminated != nil {
				c.status.LastTerminationState.Terminated = s.State.Terminated.DeepCopy()
			} else if s.LastTerminationState.Terminated != nil {
				c.status.LastTerminationState.Terminated = s.LastTerminationState.Terminated.DeepCopy()
			}
		}
		return c
	}
	for _, spec := range pod.Spec.InitContainers {
		r.initCs = append(r.initCs, mk(spec, true, "PodInitializing"))
	}
	for _, spec := range pod.Spec.Containers {
		r.cs = append(r.cs, mk(spec, false, waitReason))
	}
	go r.notifier()
	return r
}

// changed schedules a status notification.
func (r *podRuntime) changed() {
	select {
	case r.dirty <- struct{}{}:
	default:
	}
}

func (r *podRuntime) notifier() {
	for {
		select {
		case <-r.dirty:
			r.p.notifyPod(r.snapshot())
		case <-r.quit:
			return
		}
	}
}

func (r *podRuntime) hostname() string {
	h := r.pod.Spec.Hostname
	if h == "" {
		h = r.pod.Name
	}
	if len(h) > 63 {
		h = strings.TrimRight(h[:63], "-.")
	}
	return h
}

func (r *podRuntime) identity() podIdentity {
	r.mu.Lock()
	defer r.mu.Unlock()
	return podIdentity{PodIP: r.podIP, HostIP: r.p.net.gateway.String(), NodeAllocatable: r.p.allocatable}
}

// terminate stops the pod: with deleting it is being deleted (final status, API object removed,
// address released); otherwise the agent is shutting down and the pod will run again.
func (r *podRuntime) terminate(grace time.Duration, deleting bool) {
	r.mu.Lock()
	if r.ctx.Err() == nil || deleting {
		if deleting {
			r.deleting = true
		}
		r.grace = grace
	}
	r.mu.Unlock()
	r.cancel()
}

func (r *podRuntime) isDeleting() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.deleting
}

func (r *podRuntime) stopGrace() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx.Err() != nil {
		return r.grace
	}
	return specGrace(&r.pod.Spec)
}

func specGrace(spec *corev1.PodSpec) time.Duration {
	if spec.TerminationGracePeriodSeconds != nil {
		return time.Duration(*spec.TerminationGracePeriodSeconds) * time.Second
	}
	return 30 * time.Second
}

// sleep waits d or until ctx ends; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// run takes the pod from creation to its end.
func (r *podRuntime) run() {
	defer close(r.done)
	defer r.finish()
	if r.prev != nil {
		select {
		case <-r.prev.done:
		case <-r.ctx.Done():
			return
		}
	}
	r.reapStale()
	r.changed()

	if !r.setupNetwork() || !r.setupVolumes() {
		return
	}
	go r.refreshVolumes()

	var wg sync.WaitGroup
	sidecarCtx, stopSidecars := context.WithCancel(r.ctx)
	defer stopSidecars()
	for _, c := range r.initCs {
		if c.sidecar {
			wg.Add(1)
			go func() { defer wg.Done(); r.runContainer(sidecarCtx, c) }()
			select {
			case <-c.started:
			case <-r.ctx.Done():
				wg.Wait()
				return
			}
			continue
		}
		if !r.runContainer(r.ctx, c) {
			if r.ctx.Err() == nil {
				r.mu.Lock()
				r.initFailed = true
				r.mu.Unlock()
				r.changed()
				r.p.event(r.pod, corev1.EventTypeWarning, "Failed", "Init container %s failed", c.spec.Name)
			}
			stopSidecars()
			wg.Wait()
			r.afterCompletion()
			return
		}
	}
	r.mu.Lock()
	r.initDone = true
	r.mu.Unlock()
	r.changed()

	var main sync.WaitGroup
	for _, c := range r.cs {
		main.Add(1)
		go func() { defer main.Done(); r.runContainer(r.ctx, c) }()
	}
	main.Wait()
	stopSidecars()
	wg.Wait()
	r.afterCompletion()
}

// afterCompletion handles a pod whose containers have all finished for good (not stopped by
// the agent): its sandbox goes, then it waits to be deleted.
func (r *podRuntime) afterCompletion() {
	if r.ctx.Err() != nil {
		return
	}
	if err := r.p.net.TeardownPod(r.uid); err != nil {
		r.log.Warn("tear down network", "error", err)
	}
	r.mu.Lock()
	r.sandboxReady = false
	r.mu.Unlock()
	r.changed()
	<-r.ctx.Done()
}

// finish runs when the pod's processes have stopped.
func (r *podRuntime) finish() {
	r.mu.Lock()
	deleting := r.deleting
	r.mu.Unlock()
	if !deleting {
		// Agent shutdown: the network goes with TeardownAll, state stays for the next start.
		close(r.quit)
		return
	}
	r.mu.Lock()
	r.sandboxReady = false
	for _, c := range append(append([]*container{}, r.initCs...), r.cs...) {
		if c.status.State.Terminated == nil {
			if c.status.State.Waiting != nil && c.status.LastTerminationState.Terminated != nil {
				c.status.State = corev1.ContainerState{Terminated: c.status.LastTerminationState.Terminated.DeepCopy()}
			} else {
				now := metav1.Now()
				c.status.State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{
					ExitCode: 137, Reason: "ContainerStatusUnknown", Message: "The container was never started",
					StartedAt: now, FinishedAt: now}}
			}
			c.status.Ready = false
		}
	}
	r.mu.Unlock()
	final := r.snapshot()
	close(r.quit)
	r.p.notifyPod(final)
	if err := r.p.net.ReleasePod(r.uid); err != nil {
		r.log.Warn("release network", "error", err)
	}
	if err := os.RemoveAll(r.dir); err != nil {
		r.log.Warn("remove pod directory", "error", err)
	}
	r.p.forget(r)
	// As kubelet: once the containers are gone, remove the object without further grace.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	uid := r.pod.UID
	err := r.p.client.CoreV1().Pods(r.pod.Namespace).Delete(ctx, r.pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: new(int64), Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		r.log.Warn("delete pod object", "error", err)
	}
	r.log.Info("pod removed")
}

// reapStale kills container processes an earlier agent left running for this pod.
func (r *podRuntime) reapStale() {
	matches, _ := filepath.Glob(filepath.Join(r.dir, "pids", "*"))
	for _, m := range matches {
		if killed, err := killPidFile(m); err != nil {
			r.log.Warn("reap stale process", "file", m, "error", err)
		} else if killed {
			r.log.Info("killed a container process left by an earlier agent", "file", m)
		}
	}
}

func (r *podRuntime) setupNetwork() bool {
	if r.pod.Spec.HostNetwork {
		r.mu.Lock()
		r.podIP = r.p.net.gateway.String()
		r.sandboxReady = true
		r.mu.Unlock()
		r.changed()
		return true
	}
	for {
		ip, ns, err := r.p.net.SetupPod(r.uid)
		if err == nil {
			r.mu.Lock()
			r.podIP, r.netns, r.sandboxReady = ip.String(), ns, true
			r.mu.Unlock()
			r.changed()
			return true
		}
		r.log.Error("set up pod network", "error", err)
		r.setAllWaiting("ContainerCreating", "network setup failed: "+err.Error())
		r.p.event(r.pod, corev1.EventTypeWarning, "FailedCreatePodSandBox", "network setup failed: %v", err)
		if !sleep(r.ctx, 5*time.Second) {
			return false
		}
	}
}

func (r *podRuntime) setupVolumes() bool {
	vm := newVolumeManager(filepath.Join(r.dir, "volumes"), r.p.objects, r.p.objects)
	r.mu.Lock()
	pod := r.pod.DeepCopy()
	r.mu.Unlock()
	for {
		vols, _, err := vm.Sync(r.ctx, pod, r.identity())
		if err == nil {
			err = r.writeHosts()
		}
		if err == nil {
			r.mu.Lock()
			r.volumes = vols
			r.mu.Unlock()
			r.volumeManager = vm
			return true
		}
		if r.ctx.Err() != nil {
			return false
		}
		r.log.Warn("set up volumes", "error", err)
		reason := "ContainerCreating"
		var ce *configError
		if errors.As(err, &ce) {
			reason = "CreateContainerConfigError"
		}
		r.setAllWaiting(reason, err.Error())
		r.p.event(r.pod, corev1.EventTypeWarning, "FailedMount", "%v", err)
		if !sleep(r.ctx, 5*time.Second) {
			return false
		}
	}
}

// refreshVolumes rewrites API-data volumes (new ConfigMap contents, fresh tokens) until the
// pod ends.
func (r *podRuntime) refreshVolumes() {
	next := time.Now().Add(time.Minute)
	for {
		if !sleep(r.ctx, time.Until(next)) {
			return
		}
		r.mu.Lock()
		pod := r.pod.DeepCopy()
		r.mu.Unlock()
		_, due, err := r.volumeManager.Sync(r.ctx, pod, r.identity())
		if err != nil && r.ctx.Err() == nil {
			r.log.Warn("refresh volumes", "error", err)
			due = time.Now().Add(10 * time.Second)
		}
		next = due
	}
}

// writeHosts writes the pod's /etc/hosts (mounted into every container).
func (r *podRuntime) writeHosts() error {
	r.mu.Lock()
	ip := r.podIP
	spec := r.pod.Spec
	ns := r.pod.Namespace
	r.mu.Unlock()
	var b strings.Builder
	b.WriteString("# Kubernetes-managed hosts file (flotilla node).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
	host := r.hostname()
	if spec.Subdomain != "" {
		fmt.Fprintf(&b, "%s\t%s.%s.%s.svc.cluster.local\t%s\n", ip, host, spec.Subdomain, ns, host)
	} else {
		fmt.Fprintf(&b, "%s\t%s\n", ip, host)
	}
	for _, a := range spec.HostAliases {
		if net.ParseIP(a.IP) != nil && len(a.Hostnames) > 0 {
			fmt.Fprintf(&b, "%s\t%s\n", a.IP, strings.Join(a.Hostnames, "\t"))
		}
	}
	return writeFileAtomic(filepath.Join(r.dir, "etc-hosts"), []byte(b.String()), 0o644)
}

// setAllWaiting marks every container that has not run yet as waiting.
func (r *podRuntime) setAllWaiting(reason, message string) {
	r.mu.Lock()
	for _, c := range append(append([]*container{}, r.initCs...), r.cs...) {
		if c.status.State.Waiting != nil {
			c.status.State.Waiting = &corev1.ContainerStateWaiting{Reason: reason, Message: message}
		}
	}
	r.mu.Unlock()
	r.changed()
}

// snapshot renders the pod with its current status.
func (r *podRuntime) snapshot() *corev1.Pod {
	r.mu.Lock()
	defer r.mu.Unlock()
	pod := r.pod.DeepCopy()
	st := &pod.Status
	var initStatuses, statuses []corev1.ContainerStatus
	for _, c := range r.initCs {
		initStatuses = append(initStatuses, *c.status.DeepCopy())
	}
	for _, c := range r.cs {
		statuses = append(statuses, *c.status.DeepCopy())
	}
	st.InitContainerStatuses = initStatuses
	st.ContainerStatuses = statuses
	st.Phase = podPhase(pod.Spec.RestartPolicy, statuses, r.initDone, r.initFailed, r.deleting)
	st.Reason, st.Message = "", ""
	hostIP := r.p.net.gateway.String()
	st.HostIP = hostIP
	st.HostIPs = []corev1.HostIP{{IP: hostIP}}
	if r.podIP != "" {
		st.PodIP = r.podIP
		st.PodIPs = []corev1.PodIP{{IP: r.podIP}}
	}
	st.StartTime = r.startTime
	st.ObservedGeneration = pod.Generation
	ready := containersReady(statuses) && r.initDone
	r.conds = mergeConditions(r.conds, conditionInputs{
		initDone:        r.initDone,
		containersReady: ready,
		gatesReady:      readinessGatesReady(&pod.Spec, r.conds),
		sandboxReady:    r.sandboxReady,
		phase:           st.Phase,
	}, metav1.Now())
	st.Conditions = make([]corev1.PodCondition, len(r.conds))
	for i, c := range r.conds {
		c.ObservedGeneration = pod.Generation
		st.Conditions[i] = c
	}
	return pod
}

// update applies an updated pod object (labels, annotations, readiness-gate conditions, and
// image changes, which restart the container).
func (r *podRuntime) update(pod *corev1.Pod) {
	r.mu.Lock()
	r.pod.Labels = pod.Labels
	r.pod.Annotations = pod.Annotations
	r.pod.Generation = pod.Generation
	r.pod.Spec.ActiveDeadlineSeconds = pod.Spec.ActiveDeadlineSeconds
	mine := map[corev1.PodConditionType]bool{corev1.PodReadyToStartContainers: true, corev1.PodInitialized: true,
		corev1.ContainersReady: true, corev1.PodReady: true}
	var conds []corev1.PodCondition
	for _, c := range r.conds {
		if mine[c.Type] {
			conds = append(conds, c)
		}
	}
	for _, c := range pod.Status.Conditions {
		if !mine[c.Type] {
			conds = append(conds, c)
		}
	}
	r.conds = conds
	for i := range pod.Spec.Containers {
		for j, c := range r.cs {
			if c.spec.Name == pod.Spec.Containers[i].Name && c.spec.Image != pod.Spec.Containers[i].Image {
				c.spec.Image = pod.Spec.Containers[i].Image
				c.status.Image = c.spec.Image
				r.pod.Spec.Containers[j].Image = c.spec.Image
				select {
				case c.kill <- "Container spec changed, will be restarted":
				default:
				}
			}
		}
	}
	r.mu.Unlock()
	r.changed()
}

// logTarget finds the log file of a container's current or previous run, and a channel closed
// when that run has ended (nil when it already has).
func (r *podRuntime) logTarget(name string, previous bool) (string, <-chan struct{}, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range append(append([]*container{}, r.initCs...), r.cs...) {
		if c.spec.Name != name {
			continue
		}
		run := c.runs - 1
		if previous {
			run--
		}
		if run < 0 {
			if previous {
				return "", nil, errNotFoundf("previous terminated container %q in pod %q not found", name, r.pod.Name)
			}
			reason := ""
			if c.status.State.Waiting != nil {
				reason = c.status.State.Waiting.Reason
			}
			return "", nil, errBadRequestf("container %q in pod %q is waiting to start: %s", name, r.pod.Name, reason)
		}
		var done <-chan struct{}
		if !previous && c.proc != nil {
			done = c.proc.Done()
		}
		return logPath(r.dir, name, run), done, nil
	}
	return "", nil, errNotFoundf("container %q is not in pod %q", name, r.pod.Name)
}
