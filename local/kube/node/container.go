package node

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubernetes/third_party/forked/golang/expansion"
)

// A container runs as `kube pod-exec` (which enters the pod's namespaces and mounts, then
// execs the container's argv) in its own process group, restarted per the restart policy.

const maxBackoff = 5 * time.Minute

// backoffReset is how long a run must last for the crash-loop back-off to start over.
const backoffReset = 10 * time.Minute

// launch is everything needed to start (or exec into) a container.
type launch struct {
	argv   []string
	env    map[string]string
	mounts []mountSpec
}

// mountSpec is one --mount of pod-exec.
type mountSpec struct {
	src, dst string
	ro       bool
}

func (m mountSpec) String() string {
	s := m.src + ":" + m.dst
	if m.ro {
		s += ":ro"
	}
	return s
}

// runContainer runs c until it is done for good: it returns true when an init container
// succeeded (or a regular container ended with 0 and will not restart), false otherwise.
func (r *podRuntime) runContainer(ctx context.Context, c *container) bool {
	failures := 0
	lastEvent := ""
	for {
		if ctx.Err() != nil {
			return false
		}
		l, err := r.prepare(ctx, c)
		var proc *process
		if err == nil {
			proc, err = r.start(c, l)
		}
		var exit int32
		switch {
		case err != nil && ctx.Err() != nil:
			return false
		case err != nil && isWaitError(err):
			reason := "CreateContainerConfigError"
			var nm *imageNotMappedError
			if errors.As(err, &nm) {
				reason = "ImageNotMapped"
			}
			r.setWaiting(c, reason, err.Error())
			if msg := reason + err.Error(); msg != lastEvent {
				lastEvent = msg
				r.p.event(r.pod, corev1.EventTypeWarning, reason, "%v", err)
			}
			if !sleep(ctx, 5*time.Second) {
				return false
			}
			continue
		case err != nil:
			now := metav1.Now()
			exit = 128
			r.setTerminated(c, &corev1.ContainerStateTerminated{ExitCode: exit, Reason: "StartError",
				Message: err.Error(), StartedAt: now, FinishedAt: now})
			r.p.event(r.pod, corev1.EventTypeWarning, "Failed", "Error: %v", err)
		default:
			lastEvent = ""
			exit = r.supervise(ctx, c, proc, l)
			if ctx.Err() != nil {
				return exit == 0
			}
			if proc.finished.Sub(proc.started) >= backoffReset {
				failures = 0
			}
		}
		policy := r.pod.Spec.RestartPolicy
		switch {
		case c.sidecar:
			policy = corev1.RestartPolicyAlways
		case c.init:
			if exit == 0 {
				return true
			}
			if policy == corev1.RestartPolicyAlways {
				policy = corev1.RestartPolicyOnFailure
			}
		}
		if !shouldRestart(policy, exit) {
			return exit == 0
		}
		failures++
		if d := backoff(r.p.cfg.restartBackoffBase, maxBackoff, failures); d > 0 {
			msg := fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)",
				d, c.spec.Name, r.pod.Name, r.pod.Namespace, r.uid)
			r.setWaiting(c, "CrashLoopBackOff", msg)
			r.p.event(r.pod, corev1.EventTypeWarning, "BackOff", "Back-off restarting failed container %s in pod %s", c.spec.Name, r.pod.Name)
			if !sleep(ctx, d) {
				return false
			}
		}
	}
}

func isWaitError(err error) bool {
	var nm *imageNotMappedError
	var ce *configError
	return errors.As(err, &nm) || errors.As(err, &ce)
}

// prepare resolves the container's environment, argv and mounts (images.yaml is read now).
func (r *podRuntime) prepare(ctx context.Context, c *container) (*launch, error) {
	r.mu.Lock()
	pod := r.pod.DeepCopy()
	spec := c.spec
	vols := r.volumes
	r.mu.Unlock()
	env, err := resolveEnv(ctx, pod, &spec, r.identity(), r.p.objects, r.p.svcEnv, baseEnv(r.hostname()))
	if err != nil {
		return nil, err
	}
	images, err := loadImages(r.p.cfg.images)
	if err != nil {
		return nil, &configError{err}
	}
	spec.Command = expandArgv(spec.Command, env)
	spec.Args = expandArgv(spec.Args, env)
	argv, err := containerArgv(&spec, images, r.p.cfg.images, env["PATH"])
	if err != nil {
		var nm *imageNotMappedError
		if errors.As(err, &nm) {
			return nil, err
		}
		return nil, fmt.Errorf("container %s: %w", spec.Name, err)
	}
	mounts, err := r.mounts(&spec, vols, env)
	if err != nil {
		return nil, &configError{err}
	}
	return &launch{argv: argv, env: env, mounts: mounts}, nil
}

// mounts lists a container's bind mounts: its volumeMounts (parents before children) and the
// pod's /etc/hosts.
func (r *podRuntime) mounts(spec *corev1.Container, vols map[string]hostVolume, env map[string]string) ([]mountSpec, error) {
	var out []mountSpec
	for _, vm := range spec.VolumeMounts {
		hv, ok := vols[vm.Name]
		if !ok {
			return nil, fmt.Errorf("volume mount %q: no such volume", vm.Name)
		}
		src := hv.path
		sub := vm.SubPath
		if vm.SubPathExpr != "" {
			sub = expansion.Expand(vm.SubPathExpr, expansion.MappingFuncFor(env))
		}
		if sub != "" {
			clean := filepath.Clean(sub)
			if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
				return nil, fmt.Errorf("volume mount %q: invalid subPath %q", vm.Name, sub)
			}
			src = filepath.Join(src, clean)
			if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) && !hv.apiData {
				if err := os.MkdirAll(src, 0o777); err != nil {
					return nil, fmt.Errorf("volume mount %q: %w", vm.Name, err)
				}
			}
		}
		out = append(out, mountSpec{src: src, dst: vm.MountPath, ro: vm.ReadOnly || hv.apiData})
	}
	sort.SliceStable(out, func(i, j int) bool {
		return strings.Count(filepath.Clean(out[i].dst), "/") < strings.Count(filepath.Clean(out[j].dst), "/")
	})
	hasHosts := false
	for _, m := range out {
		if filepath.Clean(m.dst) == "/etc/hosts" {
			hasHosts = true
		}
	}
	if !hasHosts && !r.pod.Spec.HostNetwork {
		out = append(out, mountSpec{src: filepath.Join(r.dir, "etc-hosts"), dst: "/etc/hosts"})
	}
	return out, nil
}

// podExecArgv wraps argv in `kube pod-exec`.
func (r *podRuntime) podExecArgv(l *launch, workdir string, argv []string) []string {
	full := []string{r.p.kubeExe, "pod-exec"}
	r.mu.Lock()
	ns := r.netns
	r.mu.Unlock()
	if ns != "" {
		full = append(full, "--netns", ns)
	}
	if !r.pod.Spec.HostNetwork {
		full = append(full, "--hostname", r.hostname())
	}
	for _, m := range l.mounts {
		full = append(full, "--mount", m.String())
	}
	return append(append(full, "--workdir", workdir, "--"), argv...)
}

func containerWorkdir(c *corev1.Container) string {
	if c.WorkingDir != "" {
		return c.WorkingDir
	}
	return "/"
}

// start begins a new run of c.
func (r *podRuntime) start(c *container, l *launch) (*process, error) {
	r.mu.Lock()
	run := c.runs
	r.mu.Unlock()
	argv := r.podExecArgv(l, containerWorkdir(&c.spec), l.argv)
	proc, err := startProcess(argv, environ(l.env), "/", logPath(r.dir, c.spec.Name, run))
	if err != nil {
		return nil, err
	}
	if err := writePidFile(filepath.Join(r.dir, "pids", c.spec.Name), proc.pid); err != nil {
		r.log.Warn("write pid file", "error", err)
	}
	r.mu.Lock()
	c.runs = run + 1
	c.proc = proc
	st := &c.status
	if st.State.Terminated != nil {
		st.LastTerminationState = corev1.ContainerState{Terminated: st.State.Terminated}
	}
	st.RestartCount = run
	st.ContainerID = fmt.Sprintf("flotilla://%s-%s-%d", r.uid, c.spec.Name, run)
	st.ImageID = c.spec.Image
	st.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: metav1.NewTime(proc.started)}}
	noStartup := c.spec.StartupProbe == nil
	st.Started = &noStartup
	st.Ready = noStartup && c.spec.ReadinessProbe == nil && !c.init
	r.mu.Unlock()
	r.changed()
	r.log.Info("container started", "container", c.spec.Name, "run", run, "pid", proc.pid)
	r.p.event(r.pod, corev1.EventTypeNormal, "Started", "Started container %s", c.spec.Name)
	if noStartup {
		c.once.Do(func() { close(c.started) })
	}
	return proc, nil
}

// supervise watches one run: probes, liveness kills, pod termination. It returns the exit code.
func (r *podRuntime) supervise(ctx context.Context, c *container, proc *process, l *launch) int32 {
	pctx, stopProbes := context.WithCancel(ctx)
	defer stopProbes()
	r.startProbes(pctx, c, l)
	var reason string
	select {
	case <-proc.Done():
	case <-ctx.Done():
		grace := r.stopGrace()
		r.p.event(r.pod, corev1.EventTypeNormal, "Killing", "Stopping container %s", c.spec.Name)
		proc.Stop(grace)
	case reason = <-c.kill:
		r.p.event(r.pod, corev1.EventTypeNormal, "Killing", "%s", reason)
		proc.Stop(specGrace(&r.pod.Spec))
	}
	stopProbes()
	_ = os.Remove(filepath.Join(r.dir, "pids", c.spec.Name))
	term := &corev1.ContainerStateTerminated{
		ExitCode: proc.exitCode, Signal: int32(proc.signal), Reason: terminatedReason(proc.exitCode),
		StartedAt: metav1.NewTime(proc.started), FinishedAt: metav1.NewTime(proc.finished),
		ContainerID: fmt.Sprintf("flotilla://%s-%s-%d", r.uid, c.spec.Name, c.runs-1),
	}
	if reason != "" {
		term.Message = reason
	}
	r.setTerminated(c, term)
	r.log.Info("container exited", "container", c.spec.Name, "exitCode", proc.exitCode)
	return proc.exitCode
}

func (r *podRuntime) startProbes(ctx context.Context, c *container, l *launch) {
	r.mu.Lock()
	ip := r.podIP
	r.mu.Unlock()
	pr := newProber(ip, &c.spec, r.execIn(c, l))
	gate := c.started
	if sp := c.spec.StartupProbe; sp != nil {
		go runProbe(ctx, pr, sp, false, nil, func(ok bool, st *probeState, err error) {
			if ok {
				r.mu.Lock()
				t := true
				c.status.Started = &t
				if c.spec.ReadinessProbe == nil {
					c.status.Ready = true
				}
				r.mu.Unlock()
				c.once.Do(func() { close(c.started) })
				r.changed()
				return
			}
			if st.failRun >= st.failure {
				r.p.event(r.pod, corev1.EventTypeWarning, "Unhealthy", "Startup probe failed: %v", err)
				select {
				case c.kill <- fmt.Sprintf("Container %s failed startup probe, will be restarted", c.spec.Name):
				default:
				}
			}
		})
	}
	if rp := c.spec.ReadinessProbe; rp != nil && !c.init {
		go runProbe(ctx, pr, rp, false, gate, func(ok bool, _ *probeState, err error) {
			r.mu.Lock()
			changed := c.status.Ready != ok
			c.status.Ready = ok && ctx.Err() == nil
			r.mu.Unlock()
			if changed {
				if !ok {
					r.p.event(r.pod, corev1.EventTypeWarning, "Unhealthy", "Readiness probe failed: %v", err)
				}
				r.changed()
			}
		})
	}
	if lp := c.spec.LivenessProbe; lp != nil && !c.init {
		go runProbe(ctx, pr, lp, true, gate, func(ok bool, st *probeState, err error) {
			if ok || st.failRun < st.failure {
				return
			}
			r.p.event(r.pod, corev1.EventTypeWarning, "Unhealthy", "Liveness probe failed: %v", err)
			select {
			case c.kill <- fmt.Sprintf("Container %s failed liveness probe, will be restarted", c.spec.Name):
			default:
			}
		})
	}
}

// execIn runs a command inside c's namespaces and mounts (exec probes).
func (r *podRuntime) execIn(c *container, l *launch) execFunc {
	return func(ctx context.Context, argv []string) error {
		if len(argv) == 0 {
			return fmt.Errorf("empty command")
		}
		exe, err := lookPath(argv[0], l.env["PATH"])
		if err != nil {
			return err
		}
		argv = append([]string{exe}, argv[1:]...)
		full := r.podExecArgv(l, containerWorkdir(&c.spec), argv)
		cmd := exec.CommandContext(ctx, full[0], full[1:]...)
		cmd.Env = environ(l.env)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = time.Second
		out, err := cmd.CombinedOutput()
		if err != nil {
			msg := strings.TrimSpace(string(out))
			if len(msg) > 200 {
				msg = msg[:200]
			}
			return fmt.Errorf("%w: %s", err, msg)
		}
		return nil
	}
}

func (r *podRuntime) setWaiting(c *container, reason, message string) {
	r.mu.Lock()
	st := &c.status
	if st.State.Terminated != nil {
		st.LastTerminationState = corev1.ContainerState{Terminated: st.State.Terminated}
	}
	st.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}
	st.Ready = false
	f := false
	st.Started = &f
	r.mu.Unlock()
	r.changed()
}

func (r *podRuntime) setTerminated(c *container, term *corev1.ContainerStateTerminated) {
	r.mu.Lock()
	st := &c.status
	st.State = corev1.ContainerState{Terminated: term}
	st.Ready = false
	f := false
	st.Started = &f
	r.mu.Unlock()
	r.changed()
}
