package node

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	base, limit := 10*time.Second, 5*time.Minute
	want := []time.Duration{0, 0, 10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second,
		160 * time.Second, 5 * time.Minute, 5 * time.Minute}
	for failures, w := range want {
		if got := backoff(base, limit, failures); got != w {
			t.Errorf("backoff(%d) = %s, want %s", failures, got, w)
		}
	}
}

func waitDone(t *testing.T, p *process, d time.Duration) {
	t.Helper()
	select {
	case <-p.Done():
	case <-time.After(d):
		t.Fatalf("process %d still running after %s", p.pid, d)
	}
}

func TestProcessExitAndLog(t *testing.T) {
	log := filepath.Join(t.TempDir(), "logs", "c", "0.log")
	p, err := startProcess([]string{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, []string{"PATH=/usr/bin:/bin"}, "/", log)
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, p, 5*time.Second)
	if p.exitCode != 3 {
		t.Errorf("exit code %d, want 3", p.exitCode)
	}
	data, _ := os.ReadFile(log)
	if !strings.Contains(string(data), "out\n") || !strings.Contains(string(data), "err\n") {
		t.Errorf("log = %q", data)
	}
}

func TestProcessEnvAndSignalExit(t *testing.T) {
	log := filepath.Join(t.TempDir(), "0.log")
	p, err := startProcess([]string{"/bin/sh", "-c", "echo $FOO; kill -9 $$"}, []string{"FOO=bar"}, "/", log)
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, p, 5*time.Second)
	if p.exitCode != 137 || p.signal != syscall.SIGKILL {
		t.Errorf("exit %d signal %v, want 137 SIGKILL", p.exitCode, p.signal)
	}
	if data, _ := os.ReadFile(log); string(data) != "bar\n" {
		t.Errorf("log = %q", data)
	}
}

func TestProcessStopGraceful(t *testing.T) {
	log := filepath.Join(t.TempDir(), "0.log")
	p, err := startProcess([]string{"/bin/sh", "-c", "trap 'echo term; exit 0' TERM; echo ready; while :; do sleep 0.1; done"}, nil, "/", log)
	if err != nil {
		t.Fatal(err)
	}
	waitForLog(t, log, "ready")
	start := time.Now()
	if killed := p.Stop(10 * time.Second); killed {
		t.Error("needed SIGKILL")
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("graceful stop took %s", time.Since(start))
	}
	if p.exitCode != 0 {
		t.Errorf("exit code %d, want 0", p.exitCode)
	}
}

func TestProcessStopKillsGroupAfterGrace(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "0.log")
	pidf := filepath.Join(dir, "child.pid")
	// The shell ignores SIGTERM and has a child (in the same group) that ignores it too.
	p, err := startProcess([]string{"/bin/sh", "-c", "trap '' TERM; sh -c 'trap \"\" TERM; echo $$ > " + pidf + "; exec sleep 60' & echo ready; wait"}, nil, "/", log)
	if err != nil {
		t.Fatal(err)
	}
	waitForLog(t, log, "ready")
	childPid := waitForPid(t, pidf)
	start := time.Now()
	if killed := p.Stop(500 * time.Millisecond); !killed {
		t.Error("want SIGKILL after the grace period")
	}
	if el := time.Since(start); el < 400*time.Millisecond || el > 5*time.Second {
		t.Errorf("stop took %s", el)
	}
	if p.exitCode != 137 {
		t.Errorf("exit code %d, want 137", p.exitCode)
	}
	time.Sleep(100 * time.Millisecond)
	if alive(childPid) {
		t.Errorf("child %d survived", childPid)
	}
}

func TestProcessExitKillsLeftovers(t *testing.T) {
	dir := t.TempDir()
	pidf := filepath.Join(dir, "child.pid")
	p, err := startProcess([]string{"/bin/sh", "-c", "sleep 60 & echo $! > " + pidf + "; exit 0"}, nil, "/", filepath.Join(dir, "0.log"))
	if err != nil {
		t.Fatal(err)
	}
	waitDone(t, p, 5*time.Second)
	childPid := waitForPid(t, pidf)
	time.Sleep(100 * time.Millisecond)
	if alive(childPid) {
		t.Errorf("background child %d survived its container", childPid)
	}
}

func TestPidFile(t *testing.T) {
	dir := t.TempDir()
	p, err := startProcess([]string{"/bin/sleep", "60"}, nil, "/", filepath.Join(dir, "0.log"))
	if err != nil {
		t.Fatal(err)
	}
	pf := filepath.Join(dir, "pids", "c")
	if err := writePidFile(pf, p.pid); err != nil {
		t.Fatal(err)
	}
	killed, err := killPidFile(pf)
	if err != nil || !killed {
		t.Fatalf("killPidFile = %v, %v", killed, err)
	}
	waitDone(t, p, 5*time.Second)
	if _, err := os.Stat(pf); !os.IsNotExist(err) {
		t.Error("pid file not removed")
	}
	// A stale file naming a dead (or reused) pid kills nothing.
	if err := os.WriteFile(pf, []byte("1 12345\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if killed, _ := killPidFile(pf); killed {
		t.Error("killed a process whose start time does not match")
	}
}

func waitForLog(t *testing.T, path, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if data, _ := os.ReadFile(path); strings.Contains(string(data), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%q never appeared in %s", want, path)
}

func waitForPid(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(path)
		var pid int
		if s := strings.TrimSpace(string(data)); s != "" {
			for _, ch := range s {
				pid = pid*10 + int(ch-'0')
			}
			return pid
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no pid in %s", path)
	return 0
}

// alive reports whether pid runs (a zombie counts as gone).
func alive(pid int) bool {
	data, err := os.ReadFile(filepath.Join("/proc", itoa(pid), "stat"))
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] != 'Z'
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
