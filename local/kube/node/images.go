package node

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/distribution/reference"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Images are never pulled: images.yaml maps an image repository (no tag or digest) to the
// local command that stands in for the image's entrypoint.
//
//	images:
//	  ghcr.io/flotilla-dev/flotilla: [/abs/node, /abs/repo/cli/bin/flotilla.js]

// imageMap maps an image repository to an entrypoint argv.
type imageMap map[string][]string

type imagesFile struct {
	Images map[string]any `json:"images"`
}

// loadImages reads the image map; a missing file is an empty map.
func loadImages(path string) (imageMap, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return imageMap{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read image map: %w", err)
	}
	var f imagesFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse image map %s: %w", path, err)
	}
	m := imageMap{}
	for repo, v := range f.Images {
		switch e := v.(type) {
		case string:
			m[repo] = []string{e}
		case []any:
			argv := make([]string, 0, len(e))
			for _, a := range e {
				s, ok := a.(string)
				if !ok {
					return nil, fmt.Errorf("parse image map %s: %s: every entry must be a string", path, repo)
				}
				argv = append(argv, s)
			}
			if len(argv) == 0 {
				return nil, fmt.Errorf("parse image map %s: %s: empty entrypoint", path, repo)
			}
			m[repo] = argv
		default:
			return nil, fmt.Errorf("parse image map %s: %s: want a list of strings", path, repo)
		}
	}
	return m, nil
}

// repository strips the tag and digest from an image reference.
func repository(image string) string {
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		image = image[:i]
	}
	return image
}

// normalized gives the fully qualified repository ("busybox" -> "docker.io/library/busybox"),
// or "" when the reference does not parse.
func normalized(image string) string {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return ""
	}
	return named.Name()
}

// lookup finds the entrypoint for an image: the repository exactly as written, else any key
// naming the same repository ("python" and "docker.io/library/python" are the same).
func (m imageMap) lookup(image string) ([]string, bool) {
	repo := repository(image)
	if argv, ok := m[repo]; ok {
		return argv, true
	}
	want := normalized(repo)
	if want == "" {
		return nil, false
	}
	for key, argv := range m {
		if normalized(key) == want {
			return argv, true
		}
	}
	return nil, false
}

// imageNotMappedError is a container that cannot start until images.yaml names its image.
type imageNotMappedError struct{ image, file string }

func (e *imageNotMappedError) Error() string {
	return fmt.Sprintf("image %q is not mapped to a local command: add %q under \"images:\" in %s (read on every container start)",
		e.image, repository(e.image)+": [/abs/path/to/entrypoint, ...]", e.file)
}

// containerArgv builds a container's argv: command+args when command is set, else the mapped
// entrypoint followed by args. argv[0] is resolved through path unless it holds a slash.
func containerArgv(c *corev1.Container, images imageMap, imagesPath, path string) ([]string, error) {
	var argv []string
	if len(c.Command) > 0 {
		argv = append(append(argv, c.Command...), c.Args...)
	} else {
		entry, ok := images.lookup(c.Image)
		if !ok {
			return nil, &imageNotMappedError{image: c.Image, file: imagesPath}
		}
		argv = append(append(argv, entry...), c.Args...)
	}
	exe, err := lookPath(argv[0], path)
	if err != nil {
		return nil, err
	}
	argv[0] = exe
	return argv, nil
}

// lookPath resolves a command name against a PATH value, as execvp would.
func lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		if !filepath.IsAbs(name) {
			return "", fmt.Errorf("executable %q: relative paths are not supported", name)
		}
		return name, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("executable %q not found in PATH %q", name, path)
}
