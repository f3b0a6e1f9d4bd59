// Package docs embeds the OpenAPI document so that the binary serves the
// same document the repository holds.
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
