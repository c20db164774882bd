package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// readyCheck returns nil once a component is ready.
type readyCheck func(ctx context.Context) error

// errInterrupted means a signal arrived while waiting for a component.
var errInterrupted = errors.New("interrupted")

// waitReady polls check until it succeeds, the child exits, timeout passes or a signal arrives.
func waitReady(c *child, timeout time.Duration, check readyCheck, signals <-chan os.Signal) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 5*time.Second)
		last = check(attempt)
		cancelAttempt()
		if last == nil {
			return nil
		}
		select {
		case <-c.done:
			return c.exitError()
		case sig := <-signals:
			logf("%v while waiting for %s", sig, c.name)
			return errInterrupted
		case <-ctx.Done():
			return fmt.Errorf("%s not ready within %s: %w (log %s):\n%s",
				c.name, timeout, last, c.logPath, logTail(c.logPath, 15))
		case <-tick.C:
		}
	}
}

// etcdReady: the client port accepts connections and GET /health says healthy.
func etcdReady(cfg Config) readyCheck {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.EtcdClientPort))
	client := &http.Client{Timeout: 2 * time.Second}
	return func(ctx context.Context) error {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return fmt.Errorf("connect etcd: %w", err)
		}
		conn.Close() //nolint:errcheck // only probing
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/health", nil)
		if err != nil {
			return fmt.Errorf("etcd health request: %w", err)
		}
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("etcd /health: %w", err)
		}
		defer resp.Body.Close() //nolint:errcheck // read-only
		var health struct {
			Health string `json:"health"`
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return fmt.Errorf("etcd /health: %w", err)
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &health) != nil || health.Health != "true" {
			return fmt.Errorf("etcd /health: %s %s", resp.Status, body)
		}
		return nil
	}
}

// apiServerReady: GET /readyz returns 200 for the admin client certificate.
func apiServerReady(client kubernetes.Interface) readyCheck {
	return func(ctx context.Context) error {
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			return fmt.Errorf("GET /readyz: %w: %s", err, body)
		}
		return nil
	}
}

// controllerManagerReady: the controllers that every pod depends on have done their first
// work: the default ServiceAccount and the kube-root-ca.crt ConfigMap exist in "default".
func controllerManagerReady(client kubernetes.Interface) readyCheck {
	return func(ctx context.Context) error {
		if _, err := client.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err != nil {
			return fmt.Errorf("default service account: %w", err)
		}
		if _, err := client.CoreV1().ConfigMaps("default").Get(ctx, "kube-root-ca.crt", metav1.GetOptions{}); err != nil {
			return fmt.Errorf("root CA config map: %w", err)
		}
		return nil
	}
}

// runningFor: the process is still up d after the first check (used for the scheduler, which
// serves no health endpoint with --secure-port=0 and leaves no trace in the API until a pod is
// pending). waitReady's exit watch does the rest.
func runningFor(d time.Duration) readyCheck {
	var deadline time.Time
	return func(context.Context) error {
		if deadline.IsZero() {
			deadline = time.Now().Add(d)
		}
		if time.Now().Before(deadline) {
			return errors.New("starting")
		}
		return nil
	}
}

// allOf succeeds once every check succeeds, trying them in order.
func allOf(checks ...readyCheck) readyCheck {
	return func(ctx context.Context) error {
		for _, check := range checks {
			if err := check(ctx); err != nil {
				return err
			}
		}
		return nil
	}
}

// nodeReady: the Node object has condition Ready=True.
func nodeReady(client kubernetes.Interface) readyCheck {
	return func(ctx context.Context) error {
		node, err := client.CoreV1().Nodes().Get(ctx, NodeName, metav1.GetOptions{})
		if err != nil {
			return fmt.Errorf("node %s: %w", NodeName, err)
		}
		for _, c := range node.Status.Conditions {
			if c.Type == corev1.NodeReady {
				if c.Status == corev1.ConditionTrue {
					return nil
				}
				return fmt.Errorf("node %s Ready=%s: %s", NodeName, c.Status, c.Message)
			}
		}
		return fmt.Errorf("node %s has no Ready condition yet", NodeName)
	}
}
