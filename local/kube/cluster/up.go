// Package cluster starts and stops a whole local cluster in one directory: kube up and kube down.
package cluster

import (
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

var logger = log.New(os.Stderr, "kube up: ", log.LstdFlags|log.Lmicroseconds)

func logf(format string, args ...any) { logger.Printf(format, args...) }

// upOptions are kube up's flags.
type upOptions struct {
	dir        string
	entrypoint []string
	noNode     bool
}

// Up starts etcd, the API server, the controller manager, the scheduler and the node agent in
// a directory and stays in the foreground until SIGINT/SIGTERM or until a component dies.
//
//	kube up --dir D [--flotilla-entrypoint PATH,ARG...]
func Up(args []string) int {
	fs := pflag.NewFlagSet("up", pflag.ContinueOnError)
	var opts upOptions
	fs.StringVar(&opts.dir, "dir", "", "cluster directory (created on first start; required)")
	fs.StringSliceVar(&opts.entrypoint, "flotilla-entrypoint", nil,
		"comma-separated argv standing for the Flotilla image in a new images.yaml")
	fs.BoolVar(&opts.noNode, "no-node", false, "do not start the node agent")
	exitWithParent := fs.Bool("exit-with-parent", false,
		"stop the cluster (as on SIGTERM) when the process that started kube up dies")
	if err := fs.MarkHidden("no-node"); err != nil {
		logf("%v", err)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if opts.dir == "" {
		logf("--dir is required")
		return 2
	}
	if *exitWithParent {
		// A wrapper (the flotilla command, a test run) that is killed outright cannot forward
		// a signal; the kernel sends one instead.
		if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(unix.SIGTERM), 0, 0, 0); err != nil {
			logf("exit-with-parent: %v", err)
			return 1
		}
		if os.Getppid() == 1 {
			logf("exit-with-parent: the parent is already gone")
			return 1
		}
	}
	code, err := up(opts)
	if err != nil {
		logf("%v", err)
	}
	return code
}

// component is one child of kube up, with how to know it is ready.
type component struct {
	name    string
	args    []string
	timeout time.Duration
	ready   readyCheck
}

func up(opts upOptions) (int, error) {
	started := time.Now()
	dir, err := filepath.Abs(opts.dir)
	if err != nil {
		return 1, fmt.Errorf("cluster directory %s: %w", opts.dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 1, fmt.Errorf("create cluster directory: %w", err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return 1, err
	}
	defer lock.release()
	if pid, ok, _ := readPid(dir); ok {
		if isKubeUp(pid) {
			return 1, errAlreadyRunning(dir)
		}
		logf("removing stale %s (pid %d is not a running kube up)", pidPath(dir), pid)
	}
	if err := os.Remove(pidPath(dir)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return 1, fmt.Errorf("remove stale pid file: %w", err)
	}

	// Take signals from here on, so an early Ctrl-C still stops what has been started.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(signals)

	cfg, err := prepare(dir, opts.entrypoint)
	if err != nil {
		return 1, err
	}
	client, err := adminClient(dir)
	if err != nil {
		return 1, err
	}
	components := []component{
		{name: "etcd", args: etcdArgs(dir, cfg), timeout: 60 * time.Second, ready: etcdReady(cfg)},
		{name: "apiserver", args: apiServerArgs(dir, cfg), timeout: 120 * time.Second, ready: apiServerReady(client)},
		{name: "controller-manager", args: controllerManagerArgs(dir), timeout: 60 * time.Second,
			ready: allOf(runningFor(time.Second), controllerManagerReady(client))},
		{name: "scheduler", args: schedulerArgs(dir), timeout: 30 * time.Second, ready: runningFor(time.Second)},
	}
	if !opts.noNode {
		components = append(components, component{
			name: "node", args: nodeArgs(dir, cfg), timeout: 60 * time.Second, ready: nodeReady(client)})
	}

	var children []*child
	pidWritten := false
	defer func() {
		stopAll(children)
		if pidWritten {
			if err := os.Remove(pidPath(dir)); err != nil {
				logf("remove pid file: %v", err)
			}
		}
		logf("stopped")
	}()
	for _, comp := range components {
		begin := time.Now()
		c, err := startChild(dir, comp.name, comp.args)
		if err != nil {
			return 1, err
		}
		children = append(children, c)
		if err := waitReady(c, comp.timeout, comp.ready, signals); err != nil {
			if errors.Is(err, errInterrupted) {
				return 0, nil
			}
			logf("%v", err) // now, before stopping the rest buries it
			return 1, nil
		}
		logf("%s ready (%.1fs)", comp.name, time.Since(begin).Seconds())
	}

	if err := writePid(dir); err != nil {
		return 1, err
	}
	pidWritten = true
	logf("cluster ready in %.1fs", time.Since(started).Seconds())
	fmt.Printf("cluster ready: kubeconfig=%s\n", adminKubeconfig(dir))

	return supervise(children, signals)
}

// prepare makes everything the components read: cluster.json, PKI, kubeconfigs, the audit
// policy and images.yaml.
func prepare(dir string, entrypoint []string) (Config, error) {
	hostNets, err := hostNetworks()
	if err != nil {
		return Config{}, err
	}
	cfg, err := prepareConfig(dir, hostNets, portFree)
	if err != nil {
		return Config{}, err
	}
	if err := ensurePKI(dir, cfg); err != nil {
		return Config{}, err
	}
	if err := writeKubeconfigs(dir, cfg); err != nil {
		return Config{}, err
	}
	if err := writeAuditPolicy(dir); err != nil {
		return Config{}, err
	}
	if err := writeImagesIfAbsent(dir, entrypoint); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// adminClient is a clientset for D/kubeconfig.
func adminClient(dir string) (kubernetes.Interface, error) {
	rc, err := clientcmd.BuildConfigFromFlags("", adminKubeconfig(dir))
	if err != nil {
		return nil, fmt.Errorf("load admin kubeconfig: %w", err)
	}
	rc.Timeout = 5 * time.Second
	client, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("admin client: %w", err)
	}
	return client, nil
}

// supervise waits for a signal (clean stop, exit 0) or for any child to die (exit 1); the
// caller then stops the remaining children. Children are never restarted.
func supervise(children []*child, signals <-chan os.Signal) (int, error) {
	died := make(chan *child, len(children))
	for _, c := range children {
		go func() {
			<-c.done
			died <- c
		}()
	}
	select {
	case sig := <-signals:
		logf("%v: stopping the cluster", sig)
		return 0, nil
	case c := <-died:
		// Log the cause now, before stopping the rest buries it.
		logf("stopping the cluster because %v", c.exitError())
		return 1, nil
	}
}
