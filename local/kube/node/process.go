package node

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// process is one run of a container: a child in its own process group whose output goes
// straight to a log file (so it never blocks on the agent and survives an agent crash).
type process struct {
	cmd     *exec.Cmd
	pid     int
	started time.Time
	done    chan struct{}

	// Set before done is closed.
	exitCode int32
	signal   syscall.Signal
	finished time.Time
}

// startProcess starts argv with env, appending stdout and stderr to logPath.
func startProcess(argv, env []string, dir, logPath string) (*process, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	logf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open log: %w", err)
	}
	defer logf.Close() // the child holds its own descriptor
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Dir = dir
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	p := &process{cmd: cmd, pid: cmd.Process.Pid, started: time.Now(), done: make(chan struct{})}
	go p.wait()
	return p, nil
}

func (p *process) wait() {
	err := p.cmd.Wait()
	p.finished = time.Now()
	p.exitCode, p.signal = exitStatus(p.cmd.ProcessState, err)
	// A container ends with its main process: take whatever it left behind in its group.
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	close(p.done)
}

// exitStatus maps a wait result to a container exit code (128+n for signal n).
func exitStatus(state *os.ProcessState, err error) (int32, syscall.Signal) {
	if state == nil {
		return 128, 0
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int32(ws.Signal()), ws.Signal()
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return 128, 0
	}
	return int32(state.ExitCode()), 0
}

// Done is closed when the process has exited.
func (p *process) Done() <-chan struct{} { return p.done }

// Stop sends SIGTERM to the process group, waits up to grace, then sends SIGKILL and waits
// for the exit. It reports whether SIGKILL was needed.
func (p *process) Stop(grace time.Duration) bool {
	select {
	case <-p.done:
		return false
	default:
	}
	_ = syscall.Kill(-p.pid, syscall.SIGTERM)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-p.done:
		return false
	case <-t.C:
	}
	_ = syscall.Kill(-p.pid, syscall.SIGKILL)
	<-p.done
	return true
}

// backoff is the delay before restarting a container that has exited `failures` times in a row:
// the first restart is immediate (as kubelet), then base, doubling up to max.
func backoff(base, max time.Duration, failures int) time.Duration {
	if failures <= 1 {
		return 0
	}
	d := base
	for i := 2; i < failures && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// Pid files let a restarted agent find container processes a crashed agent left behind. A pid
// file holds "pid starttime" (field 22 of /proc/pid/stat) so a reused pid is never killed.

func writePidFile(path string, pid int) error {
	st, err := procStartTime(pid)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, []byte(fmt.Sprintf("%d %s\n", pid, st)), 0o644)
}

// killPidFile kills the process group recorded in path if that process still runs, then
// removes the file.
func killPidFile(path string) (bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read pid file: %w", err)
	}
	defer os.Remove(path)
	fields := strings.Fields(string(data))
	if len(fields) != 2 {
		return false, nil
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil || pid <= 1 {
		return false, nil
	}
	st, err := procStartTime(pid)
	if err != nil || st != fields[1] {
		return false, nil
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	return true, nil
}

func procStartTime(pid int) (string, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", fmt.Errorf("read process %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces; it ends at the last ')'.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return "", fmt.Errorf("parse /proc/%d/stat", pid)
	}
	fields := strings.Fields(s[i+1:])
	// fields[0] is field 3 (state); the start time is field 22.
	if len(fields) < 20 {
		return "", fmt.Errorf("parse /proc/%d/stat", pid)
	}
	return fields[19], nil
}
