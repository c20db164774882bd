package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Volumes are materialised as directories under D/node/pods/<uid>/volumes/<name> and bind
// mounted by pod-exec at each container's mountPath. ConfigMap, Secret, projected (service
// account token, configMap, secret, downwardAPI) and downwardAPI volumes are rewritten on every
// sync (file by file, through a rename, so a mounted directory sees the change); emptyDir is a
// plain directory; hostPath is the host path itself.

// tokenSource issues service account tokens bound to a pod (TokenRequest).
type tokenSource interface {
	CreateToken(ctx context.Context, namespace, serviceAccount string, req *authenticationv1.TokenRequest) (*authenticationv1.TokenRequest, error)
}

// hostVolume is a materialised volume.
type hostVolume struct {
	path string
	// apiData volumes (configMap, secret, projected, downwardAPI) are always mounted read-only.
	apiData bool
}

type cachedToken struct {
	token   string
	refresh time.Time // 80% of the lifetime, as kubelet
}

// volumeManager materialises one pod's volumes.
type volumeManager struct {
	dir    string
	src    objectSource
	tokens tokenSource
	cache  map[string]cachedToken
	now    func() time.Time
}

func newVolumeManager(dir string, src objectSource, tokens tokenSource) *volumeManager {
	return &volumeManager{dir: dir, src: src, tokens: tokens, cache: map[string]cachedToken{}, now: time.Now}
}

// unsupportedVolumeError is a volume type this node cannot provide.
type unsupportedVolumeError struct{ name, kind string }

func (e *unsupportedVolumeError) Error() string {
	return fmt.Sprintf("volume %q: %s volumes are not supported by the flotilla node", e.name, e.kind)
}

// Sync writes every volume of the pod and returns them by name, with the time by which the
// next sync is due (token refresh).
func (m *volumeManager) Sync(ctx context.Context, pod *corev1.Pod, id podIdentity) (map[string]hostVolume, time.Time, error) {
	out := map[string]hostVolume{}
	next := m.now().Add(time.Minute)
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		dir := filepath.Join(m.dir, v.Name)
		switch {
		case v.EmptyDir != nil:
			if err := os.MkdirAll(dir, 0o777); err != nil {
				return nil, next, fmt.Errorf("volume %q: %w", v.Name, err)
			}
			out[v.Name] = hostVolume{path: dir}
		case v.HostPath != nil:
			p := v.HostPath.Path
			if v.HostPath.Type != nil && *v.HostPath.Type == corev1.HostPathDirectoryOrCreate {
				if err := os.MkdirAll(p, 0o755); err != nil {
					return nil, next, fmt.Errorf("volume %q: %w", v.Name, err)
				}
			}
			out[v.Name] = hostVolume{path: p}
		case v.ConfigMap != nil, v.Secret != nil, v.Projected != nil, v.DownwardAPI != nil:
			files, due, err := m.files(ctx, pod, v, id)
			if err != nil {
				return nil, next, fmt.Errorf("volume %q: %w", v.Name, err)
			}
			if !due.IsZero() && due.Before(next) {
				next = due
			}
			if err := syncDir(dir, files); err != nil {
				return nil, next, fmt.Errorf("volume %q: %w", v.Name, err)
			}
			out[v.Name] = hostVolume{path: dir, apiData: true}
		default:
			return nil, next, &configError{&unsupportedVolumeError{name: v.Name, kind: volumeKind(v)}}
		}
	}
	return out, next, nil
}

func volumeKind(v *corev1.Volume) string {
	switch {
	case v.PersistentVolumeClaim != nil:
		return "persistentVolumeClaim"
	case v.Ephemeral != nil:
		return "ephemeral"
	case v.NFS != nil:
		return "nfs"
	case v.CSI != nil:
		return "csi"
	case v.Image != nil:
		return "image"
	}
	return "these"
}

// file is one file of an API-data volume.
type file struct {
	data []byte
	mode os.FileMode
}

func fileMode(item *int32, dflt *int32) os.FileMode {
	switch {
	case item != nil:
		return os.FileMode(*item) & 0o777
	case dflt != nil:
		return os.FileMode(*dflt) & 0o777
	}
	return 0o644
}

func (m *volumeManager) files(ctx context.Context, pod *corev1.Pod, v *corev1.Volume, id podIdentity) (map[string]file, time.Time, error) {
	files := map[string]file{}
	var due time.Time
	switch {
	case v.ConfigMap != nil:
		err := m.configMapFiles(ctx, pod.Namespace, v.ConfigMap.Name, v.ConfigMap.Items, v.ConfigMap.Optional, v.ConfigMap.DefaultMode, files)
		return files, due, err
	case v.Secret != nil:
		err := m.secretFiles(ctx, pod.Namespace, v.Secret.SecretName, v.Secret.Items, v.Secret.Optional, v.Secret.DefaultMode, files)
		return files, due, err
	case v.DownwardAPI != nil:
		err := downwardFiles(pod, v.DownwardAPI.Items, v.DownwardAPI.DefaultMode, id, files)
		return files, due, err
	}
	dflt := v.Projected.DefaultMode
	for _, s := range v.Projected.Sources {
		var err error
		switch {
		case s.ConfigMap != nil:
			err = m.configMapFiles(ctx, pod.Namespace, s.ConfigMap.Name, s.ConfigMap.Items, s.ConfigMap.Optional, dflt, files)
		case s.Secret != nil:
			err = m.secretFiles(ctx, pod.Namespace, s.Secret.Name, s.Secret.Items, s.Secret.Optional, dflt, files)
		case s.DownwardAPI != nil:
			err = downwardFiles(pod, s.DownwardAPI.Items, dflt, id, files)
		case s.ServiceAccountToken != nil:
			var refresh time.Time
			refresh, err = m.tokenFile(ctx, pod, v.Name, s.ServiceAccountToken, dflt, files)
			if due.IsZero() || refresh.Before(due) {
				due = refresh
			}
		default:
			err = fmt.Errorf("unsupported projected source")
		}
		if err != nil {
			return nil, due, err
		}
	}
	return files, due, nil
}

func (m *volumeManager) configMapFiles(ctx context.Context, ns, name string, items []corev1.KeyToPath, optional *bool, dflt *int32, files map[string]file) error {
	cm, err := m.src.ConfigMap(ctx, ns, name)
	if err != nil {
		if apierrors.IsNotFound(err) && optional != nil && *optional {
			return nil
		}
		return fmt.Errorf("configmap %q: %w", name, err)
	}
	data := map[string][]byte{}
	for k, v := range cm.Data {
		data[k] = []byte(v)
	}
	for k, v := range cm.BinaryData {
		data[k] = v
	}
	return keyFiles("configmap "+name, data, items, optional, dflt, files)
}

func (m *volumeManager) secretFiles(ctx context.Context, ns, name string, items []corev1.KeyToPath, optional *bool, dflt *int32, files map[string]file) error {
	s, err := m.src.Secret(ctx, ns, name)
	if err != nil {
		if apierrors.IsNotFound(err) && optional != nil && *optional {
			return nil
		}
		return fmt.Errorf("secret %q: %w", name, err)
	}
	return keyFiles("secret "+name, s.Data, items, optional, dflt, files)
}

// keyFiles projects data keys to files: every key under its own name, or only the listed items
// at their paths.
func keyFiles(what string, data map[string][]byte, items []corev1.KeyToPath, optional *bool, dflt *int32, files map[string]file) error {
	if len(items) == 0 {
		for k, v := range data {
			files[k] = file{data: v, mode: fileMode(nil, dflt)}
		}
		return nil
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			if optional != nil && *optional {
				continue
			}
			return fmt.Errorf("%s has no key %q", what, it.Key)
		}
		files[it.Path] = file{data: v, mode: fileMode(it.Mode, dflt)}
	}
	return nil
}

func downwardFiles(pod *corev1.Pod, items []corev1.DownwardAPIVolumeFile, dflt *int32, id podIdentity, files map[string]file) error {
	for _, it := range items {
		var v string
		var err error
		switch {
		case it.FieldRef != nil:
			v, err = podFieldValue(pod, it.FieldRef.FieldPath, id)
		case it.ResourceFieldRef != nil:
			v, err = resourceFieldValue(pod, it.ResourceFieldRef.ContainerName, it.ResourceFieldRef, id)
		}
		if err != nil {
			return fmt.Errorf("downward API %s: %w", it.Path, err)
		}
		files[it.Path] = file{data: []byte(v), mode: fileMode(it.Mode, dflt)}
	}
	return nil
}

// tokenFile requests (or reuses) a token for the pod's service account, bound to the pod.
func (m *volumeManager) tokenFile(ctx context.Context, pod *corev1.Pod, volume string, p *corev1.ServiceAccountTokenProjection,
	dflt *int32, files map[string]file) (time.Time, error) {
	key := volume + "/" + p.Path
	now := m.now()
	if c, ok := m.cache[key]; ok && now.Before(c.refresh) {
		files[p.Path] = file{data: []byte(c.token), mode: fileMode(nil, dflt)}
		return c.refresh, nil
	}
	exp := int64(3600)
	if p.ExpirationSeconds != nil {
		exp = *p.ExpirationSeconds
	}
	var audiences []string
	if p.Audience != "" {
		audiences = []string{p.Audience}
	}
	sa := pod.Spec.ServiceAccountName
	if sa == "" {
		sa = "default"
	}
	req := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{
		Audiences:         audiences,
		ExpirationSeconds: &exp,
		BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
	}}
	tr, err := m.tokens.CreateToken(ctx, pod.Namespace, sa, req)
	if err != nil {
		if c, ok := m.cache[key]; ok { // keep serving the old token while it is valid
			files[p.Path] = file{data: []byte(c.token), mode: fileMode(nil, dflt)}
			return now.Add(10 * time.Second), nil
		}
		return time.Time{}, fmt.Errorf("token for service account %q: %w", sa, err)
	}
	issued := now
	lifetime := tr.Status.ExpirationTimestamp.Sub(issued)
	if lifetime <= 0 {
		lifetime = time.Duration(exp) * time.Second
	}
	c := cachedToken{token: tr.Status.Token, refresh: issued.Add(lifetime * 8 / 10)}
	m.cache[key] = c
	files[p.Path] = file{data: []byte(c.token), mode: fileMode(nil, dflt)}
	return c.refresh, nil
}

// syncDir makes dir hold exactly files: changed files are replaced through a rename, files no
// longer wanted are removed.
func syncDir(dir string, files map[string]file) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	names := make([]string, 0, len(files))
	wanted := map[string]bool{}
	for name := range files {
		names = append(names, name)
		wanted[filepath.Clean(name)] = true
	}
	sort.Strings(names)
	for _, name := range names {
		f := files[name]
		clean := filepath.Clean(name)
		if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return fmt.Errorf("invalid volume file path %q", name)
		}
		p := filepath.Join(dir, clean)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, f.data) {
			if st, err := os.Stat(p); err == nil && st.Mode().Perm() == f.mode {
				continue
			}
		}
		if err := writeFileAtomic(p, f.data, f.mode); err != nil {
			return err
		}
	}
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if !wanted[rel] && !strings.HasPrefix(filepath.Base(rel), ".") {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("remove stale %s: %w", p, err)
			}
		}
		return nil
	})
}
