package docs

import (
	"crypto/sha512"
	"encoding/base64"
	"fmt"
	"io/fs"
	"strings"
)

// Pinned versions of the browser assets, loaded from jsDelivr by default.
// The integrity hashes are the SHA-384 of the files of the npm packages,
// which jsDelivr's /npm/ URLs serve byte for byte.
const (
	SwaggerUIVersion = "5.35.0"
	ReDocVersion     = "2.5.4"
	defaultCDN       = "https://cdn.jsdelivr.net/npm/"
)

// asset is one file of the pages: its path in an npm mirror (with the
// version) and in a node_modules tree (without), and its pinned hash.
type asset struct {
	pkg, version, file, integrity string
}

var (
	swaggerJS       = asset{"swagger-ui-dist", SwaggerUIVersion, "swagger-ui-bundle.js", "sha384-gjRm0bEPMeTmMh5jT2cHccIwCUZSTd8YC+j0d0sXw0MdGEfScduGpSyF3ZSSLkX9"}
	swaggerCSS      = asset{"swagger-ui-dist", SwaggerUIVersion, "swagger-ui.css", "sha384-WlYgdmXYOOBWL5apwjDEZwN+U3HmXSSu5R6V5aGxEcf7z+KuRNwBhoxKVN1i3D5I"}
	swaggerRedirect = asset{"swagger-ui-dist", SwaggerUIVersion, "oauth2-redirect.js", "sha384-XuY48ztmqRBrZqX+bDrPUqkTumNohu9Bl+yztOEp/hDTS5qXIApmbiD04MrTFpjk"}
	redocJS         = asset{"redoc", ReDocVersion, "bundles/redoc.standalone.js", "sha384-w447zOpYfw/1Tv/5AK9NfHTlQIqE3RVR6KY62jCyy9zNDgO64cMwGGP1Fj0zJVf5"}
	allAssets       = []asset{swaggerJS, swaggerCSS, swaggerRedirect, redocJS}
)

// redocStyles are the hashes of the <style> elements ReDoc adds: the empty
// one styled-components fills through the CSSOM, and perfect-scrollbar's
// stylesheet as ReDocVersion's bundle holds it (another version's may
// differ: its scrollbars then lose their style, nothing else).
var redocStyles = []string{
	"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", // ""
	"sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc=", // .ps{overflow:hidden!important;...}
}

// fsPath is the asset's path in a node_modules tree.
func (a asset) fsPath() string { return a.pkg + "/" + a.file }

// mirrorPath is its path in an npm mirror such as jsDelivr's /npm/.
func (a asset) mirrorPath() string { return a.pkg + "@" + a.version + "/" + a.file }

// assetSource resolves the URLs and hashes of the assets for a page.
type assetSource struct {
	base   string // CDN or mirror base URL, ending in "/"
	fsys   fs.FS  // when set, assets are served by Mount at path
	path   string // where Mount serves fsys, from the site root
	hashes map[string]string
}

// url is the asset's URL as seen from the page at pagePath.
func (s *assetSource) url(a asset, pagePath string) string {
	if s.fsys != nil {
		return relURL(pagePath, s.path+a.fsPath())
	}
	return s.base + a.mirrorPath()
}

func (s *assetSource) integrity(a asset) string {
	if s.fsys != nil {
		return s.hashes[a.fsPath()]
	}
	return a.integrity
}

// hashFS computes the integrity of the files the enabled pages need.
func (s *assetSource) hashFS(need []asset) error {
	s.hashes = map[string]string{}
	for _, a := range need {
		data, err := fs.ReadFile(s.fsys, a.fsPath())
		if err != nil {
			return fmt.Errorf("docs: AssetsFS: %w (the file system should hold node_modules/%s from npm install)", err, a.fsPath())
		}
		sum := sha512.Sum384(data)
		s.hashes[a.fsPath()] = "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
	}
	return nil
}

// relURL is the relative URL of target (a path from the site root) from
// the page at from, so that pages keep working behind a proxy that mounts
// the site under a prefix.
func relURL(from, target string) string {
	dir := from[:strings.LastIndexByte(from, '/')+1]
	ups := ""
	for !strings.HasPrefix(target, dir) {
		dir = dir[:strings.LastIndexByte(dir[:len(dir)-1], '/')+1]
		ups += "../"
	}
	rest := target[len(dir):]
	if ups == "" && (rest == "" || strings.HasPrefix(rest, "/")) {
		return "./" + rest
	}
	return ups + rest
}
