package cluster

import (
	"fmt"
	"os"
	"path/filepath"

	"sigs.k8s.io/yaml"
)

// Images is D/images.yaml: which local program stands for which container image.
type Images struct {
	// Images maps an image repository, without tag or digest (e.g. "ghcr.io/flotilla-dev/flotilla"),
	// to the argv (absolute paths) the node agent runs in place of that image's entrypoint.
	Images map[string][]string `json:"images"`
}

const imagesHeader = `# Images the node agent runs as local processes instead of pulling them.
# Written by kube up when absent; edit freely, it is never overwritten.
#
# Format:
#   images:
#     <image repository, no tag or digest>: [<argv0 absolute path>, <arg>, ...]
# A container whose image is <repository>, <repository>:<tag> or <repository>@<digest> runs
# this argv (kube up --flotilla-entrypoint sets it for the Flotilla image).
`

// flotillaImages are the repositories that stand for the Flotilla CLI.
var flotillaImages = []string{"ghcr.io/flotilla-dev/flotilla", "flotilla"}

// imagesPath is the node agent's --images file.
func imagesPath(dir string) string { return filepath.Join(dir, "images.yaml") }

// defaultImages maps the Flotilla repositories to entrypoint, when one is given.
func defaultImages(entrypoint []string) Images {
	im := Images{Images: map[string][]string{}}
	if len(entrypoint) > 0 {
		for _, repo := range flotillaImages {
			im.Images[repo] = entrypoint
		}
	}
	return im
}

// writeImagesIfAbsent writes D/images.yaml on first start and leaves an existing one alone.
func writeImagesIfAbsent(dir string, entrypoint []string) error {
	path := imagesPath(dir)
	if exists(path) {
		return nil
	}
	data, err := yaml.Marshal(defaultImages(entrypoint))
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return writeFileAtomic(path, append([]byte(imagesHeader), data...), 0o644)
}

// ReadImages parses an images file as written by kube up.
func ReadImages(path string) (Images, error) {
	var im Images
	data, err := os.ReadFile(path)
	if err != nil {
		return im, fmt.Errorf("read images file: %w", err)
	}
	if err := yaml.UnmarshalStrict(data, &im); err != nil {
		return im, fmt.Errorf("parse images file %s: %w", path, err)
	}
	return im, nil
}
