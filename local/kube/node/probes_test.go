package node

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestProbeState(t *testing.T) {
	s := newProbeState(&corev1.Probe{SuccessThreshold: 2, FailureThreshold: 3}, false)
	steps := []struct {
		ok   bool
		want bool
	}{{true, false}, {true, true}, {false, true}, {false, true}, {true, true}, {false, true}, {false, true}, {false, false}}
	for i, st := range steps {
		if got := s.Observe(st.ok); got != st.want {
			t.Errorf("step %d: %v, want %v", i, got, st.want)
		}
	}
}

func TestHTTPAndTCPProbes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	host, portStr, _ := net.SplitHostPort(srv.Listener.Addr().String())
	port, _ := strconv.Atoi(portStr)
	c := &corev1.Container{Name: "c", Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: int32(port)}}}
	p := newProber(host, c, nil)
	ctx := context.Background()
	good := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/ok", Port: intstr.FromString("http")}}}
	if err := p.Probe(ctx, good); err != nil {
		t.Errorf("good http probe: %v", err)
	}
	bad := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/bad", Port: intstr.FromInt32(int32(port))}}}
	if err := p.Probe(ctx, bad); err == nil {
		t.Error("bad http probe passed")
	}
	tcp := &corev1.Probe{ProbeHandler: corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromInt32(int32(port))}}}
	if err := p.Probe(ctx, tcp); err != nil {
		t.Errorf("tcp probe: %v", err)
	}
	srv.Close()
	if err := p.Probe(ctx, tcp); err == nil {
		t.Error("tcp probe passed against a closed port")
	}
}
