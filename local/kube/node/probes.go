package node

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Probes run from the agent: httpGet and tcpSocket against the pod IP (the host reaches it
// over the bridge), exec through pod-exec inside the pod's namespaces.

// execFunc runs a command inside the container's namespaces and reports its exit.
type execFunc func(ctx context.Context, argv []string) error

type prober struct {
	podIP     string
	container *corev1.Container
	exec      execFunc
	client    *http.Client
}

func newProber(podIP string, c *corev1.Container, exec execFunc) *prober {
	return &prober{podIP: podIP, container: c, exec: exec, client: &http.Client{
		Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // as kubelet's probes
			DisableKeepAlives: true,
			Proxy:             nil,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Probe runs one probe attempt.
func (p *prober) Probe(ctx context.Context, pr *corev1.Probe) error {
	timeout := time.Duration(max(pr.TimeoutSeconds, 1)) * time.Second
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case pr.HTTPGet != nil:
		return p.httpGet(ctx, pr.HTTPGet)
	case pr.TCPSocket != nil:
		port, err := resolvePort(pr.TCPSocket.Port, p.container)
		if err != nil {
			return err
		}
		host := p.podIP
		if pr.TCPSocket.Host != "" {
			host = pr.TCPSocket.Host
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return fmt.Errorf("tcp probe: %w", err)
		}
		return conn.Close()
	case pr.Exec != nil:
		if err := p.exec(ctx, pr.Exec.Command); err != nil {
			return fmt.Errorf("exec probe %v: %w", pr.Exec.Command, err)
		}
		return nil
	case pr.GRPC != nil:
		// Not implemented: treat as passing rather than keep the pod unready forever.
		return nil
	}
	return nil
}

func (p *prober) httpGet(ctx context.Context, g *corev1.HTTPGetAction) error {
	port, err := resolvePort(g.Port, p.container)
	if err != nil {
		return err
	}
	host := p.podIP
	if g.Host != "" {
		host = g.Host
	}
	scheme := strings.ToLower(string(g.Scheme))
	if scheme == "" {
		scheme = "http"
	}
	path := g.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	u, err := url.Parse(scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port)) + path)
	if err != nil {
		return fmt.Errorf("http probe url: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fmt.Errorf("http probe: %w", err)
	}
	req.Header.Set("User-Agent", "kube-probe/flotilla")
	req.Header.Set("Accept", "*/*")
	for _, h := range g.HTTPHeaders {
		if strings.EqualFold(h.Name, "Host") {
			req.Host = h.Value
			continue
		}
		req.Header.Add(h.Name, h.Value)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("http probe: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 400 {
		return fmt.Errorf("http probe %s: status %d", u, resp.StatusCode)
	}
	return nil
}

// resolvePort turns a port number or a container port name into a number.
func resolvePort(port intstr.IntOrString, c *corev1.Container) (int, error) {
	if port.Type == intstr.Int {
		if port.IntVal <= 0 || port.IntVal > 65535 {
			return 0, fmt.Errorf("invalid port %d", port.IntVal)
		}
		return int(port.IntVal), nil
	}
	for _, cp := range c.Ports {
		if cp.Name == port.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	if n, err := strconv.Atoi(port.StrVal); err == nil {
		return n, nil
	}
	return 0, fmt.Errorf("port %q not found in container %s", port.StrVal, c.Name)
}

// probeState counts consecutive results against thresholds, as kubelet's worker.
type probeState struct {
	success, failure int32 // thresholds
	okRun, failRun   int32
	result           bool
}

func newProbeState(pr *corev1.Probe, initial bool) *probeState {
	return &probeState{success: max(pr.SuccessThreshold, 1), failure: max(pr.FailureThreshold, 1), result: initial}
}

// Observe records one attempt and returns the (possibly changed) result.
func (s *probeState) Observe(ok bool) bool {
	if ok {
		s.okRun++
		s.failRun = 0
		if s.okRun >= s.success {
			s.result = true
		}
	} else {
		s.failRun++
		s.okRun = 0
		if s.failRun >= s.failure {
			s.result = false
		}
	}
	return s.result
}

// runProbe probes until ctx ends, calling onResult with the first result, whenever the result
// flips, and after every attempt once the failure threshold is reached. It waits initialDelaySeconds first and periodSeconds between attempts.
// gate, when not nil, must be closed before probing starts (startup probe done).
func runProbe(ctx context.Context, p *prober, pr *corev1.Probe, initial bool, gate <-chan struct{}, onResult func(ok bool, st *probeState, err error)) {
	if gate != nil {
		select {
		case <-ctx.Done():
			return
		case <-gate:
		}
	}
	if d := time.Duration(pr.InitialDelaySeconds) * time.Second; d > 0 {
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
	}
	period := time.Duration(max(pr.PeriodSeconds, 1)) * time.Second
	st := newProbeState(pr, initial)
	last := initial
	first := true
	for {
		err := p.Probe(ctx, pr)
		if ctx.Err() != nil {
			return
		}
		r := st.Observe(err == nil)
		if r != last || first || (!r && st.failRun >= st.failure) {
			onResult(r, st, err)
			last, first = r, false
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(period):
		}
	}
}
