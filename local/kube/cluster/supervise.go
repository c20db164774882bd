package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

// stopGrace is how long a child may take to exit after SIGTERM before it is killed.
const stopGrace = 10 * time.Second

// child is one component running as `<this binary> <component> <flags>`.
type child struct {
	name    string
	logPath string
	cmd     *exec.Cmd
	done    chan struct{} // closed once the process has exited and been reaped
	err     error         // Wait's result, set before done is closed
}

// startChild starts a component in its own process group, its output appended to
// D/logs/<name>.log. It dies with SIGKILL if the thread that started it (and so this process)
// dies, so a killed kube up leaves no component behind.
func startChild(dir, name string, args []string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start %s: find own executable: %w", name, err)
	}
	logDir := filepath.Join(dir, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	logPath := filepath.Join(logDir, name+".log")
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("start %s: open log: %w", name, err)
	}
	fmt.Fprintf(logFile, "==== %s kube up: starting %s %s\n", //nolint:errcheck // best-effort marker
		time.Now().Format(time.RFC3339), name, strings.Join(args, " "))

	cmd := exec.Command(exe, append([]string{name}, args...)...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// Pdeathsig is tied to the thread that forks, not the process: keep this goroutine on one
	// thread while forking. The Go runtime never retires that thread while this process lives.
	runtime.LockOSThread()
	err = cmd.Start()
	runtime.UnlockOSThread()
	if err != nil {
		logFile.Close() //nolint:errcheck // the start error is the one to report
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, logPath: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		logFile.Close() //nolint:errcheck // the child has exited; nothing more is written
		close(c.done)
	}()
	return c, nil
}

// exited reports whether the child has exited.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// exitError describes how the child ended, with the end of its log.
func (c *child) exitError() error {
	status := "exited"
	if c.err != nil {
		status = c.err.Error()
	}
	return fmt.Errorf("%s %s (log %s):\n%s", c.name, status, c.logPath, logTail(c.logPath, 15))
}

// stop sends SIGTERM to the child's process group, waits up to grace, then sends SIGKILL.
// Whatever is left in the group once the child itself has exited is killed too.
func (c *child) stop(grace time.Duration) {
	pgid := c.cmd.Process.Pid
	if !c.exited() {
		signalGroup(pgid, syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(grace):
			logf("%s did not exit %s after SIGTERM; killing it", c.name, grace)
			signalGroup(pgid, syscall.SIGKILL)
			<-c.done
		}
	}
	signalGroup(pgid, syscall.SIGKILL) // stragglers in the group, if any
}

// signalGroup signals a process group, ignoring a group that no longer exists.
func signalGroup(pgid int, sig syscall.Signal) {
	if err := syscall.Kill(-pgid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		logf("signal process group %d with %v: %v", pgid, sig, err)
	}
}

// stopAll stops children in reverse start order.
func stopAll(children []*child) {
	for i := len(children) - 1; i >= 0; i-- {
		c := children[i]
		logf("stopping %s", c.name)
		c.stop(stopGrace)
	}
}

// logTail returns the last n lines of a file (from its last 8 KiB), for error messages.
func logTail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	defer f.Close() //nolint:errcheck // read-only
	const window = 8 << 10
	if st, err := f.Stat(); err == nil && st.Size() > window {
		if _, err := f.Seek(-window, io.SeekEnd); err != nil {
			return fmt.Sprintf("(cannot read log: %v)", err)
		}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return fmt.Sprintf("(cannot read log: %v)", err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + string(bytes.Join(lines, []byte("\n  ")))
}
