package httpapi

import (
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/mentord/mentord/internal/httpapi/form"
)

// Router maps method and path to handlers. Paths are registered without a
// trailing slash and answer with or without one, for every method, with no
// redirect (a redirected POST would lose its body).
type Router struct {
	mux       *http.ServeMux
	paths     map[string]*pathInfo
	fallbacks map[string]Renderer // path prefix -> renderer of unknown paths
	routes    []Route
	// subtreeRoots are the "/media"s of "/media/{path...}" patterns.
	subtreeRoots []string
}

// Route is one method and path the router serves, as a client sees it.
type Route struct {
	Method string
	Path   string // "/auth/users/{id}", without a trailing slash
}

type pathInfo struct {
	methods  []string
	renderer Renderer
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{mux: http.NewServeMux(), paths: map[string]*pathInfo{}, fallbacks: map[string]Renderer{}}
}

// RouteOption tunes one route.
type RouteOption func(*routeConfig)

type routeConfig struct {
	maxBody int64
	serves  []string
}

// MaxBody sets the largest request body the route accepts (default 1 MiB).
func MaxBody(n int64) RouteOption { return func(c *routeConfig) { c.maxBody = n } }

// Serves names the client-visible paths behind a pattern that stands for
// several of them (one ServeMux pattern that dispatches on its segments), so
// that Routes lists what clients call.
func Serves(paths ...string) RouteOption {
	return func(c *routeConfig) { c.serves = append(c.serves, paths...) }
}

// DefaultMaxBody is the body limit of routes that do not set their own.
const DefaultMaxBody = 1 << 20

// Handle registers h for method and path ("/auth/users/{id}"); errors about
// the route itself (wrong method, body too large) are rendered by rend.
func (rt *Router) Handle(method, path string, rend Renderer, h http.HandlerFunc, opts ...RouteOption) {
	cfg := routeConfig{maxBody: DefaultMaxBody}
	for _, o := range opts {
		o(&cfg)
	}
	path = strings.TrimSuffix(path, "/")
	if len(cfg.serves) == 0 {
		rt.routes = append(rt.routes, Route{Method: method, Path: path})
	}
	for _, p := range cfg.serves {
		rt.routes = append(rt.routes, Route{Method: method, Path: strings.TrimSuffix(p, "/")})
	}
	info := rt.paths[path]
	if info == nil {
		info = &pathInfo{renderer: rend}
		rt.paths[path] = info
	}
	info.methods = append(info.methods, method)
	limit := cfg.maxBody
	rt.mux.Handle(method+" "+path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			rend.Error(w, r, &form.TooLarge{Limit: limit})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h(w, r)
	}))
}

// HandleRaw registers a handler that manages its own method and body, such
// as a file server; pattern is a ServeMux pattern.
func (rt *Router) HandleRaw(pattern string, h http.Handler) {
	method, route, ok := strings.Cut(pattern, " ")
	if ok {
		rt.routes = append(rt.routes, Route{Method: method, Path: strings.Replace(route, "...}", "}", 1)})
	}
	rt.mux.Handle(pattern, h)
	// ServeMux redirects the root of a subtree ("/media") to "/media/";
	// there are no redirects here, so the root is simply not found.
	if i := strings.LastIndex(route, "/{"); ok && i > 0 && strings.HasSuffix(route, "...}") {
		rt.subtreeRoots = append(rt.subtreeRoots, method+" "+route[:i])
	}
}

// Routes lists every method and path registered, in registration order.
func (rt *Router) Routes() []Route { return slices.Clone(rt.routes) }

// NotFound sets the renderer of unknown paths under prefix; the longest
// matching prefix wins.
func (rt *Router) NotFound(prefix string, rend Renderer) { rt.fallbacks[prefix] = rend }

// RendererFor is the renderer of unknown paths under the longest prefix
// registered with NotFound that path has, or nil.
func (rt *Router) RendererFor(r *http.Request) Renderer {
	best := ""
	var rend Renderer
	for p, rd := range rt.fallbacks {
		if strings.HasPrefix(r.URL.Path, p) && len(p) > len(best) {
			best, rend = p, rd
		}
	}
	return rend
}

// Handler returns the finished router.
func (rt *Router) Handler() http.Handler {
	for path, info := range rt.paths {
		info := info
		sort.Strings(info.methods)
		allow := allowHeader(info.methods)
		methodNotAllowed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusOK)
				return
			}
			info.renderer.Error(w, r, &MethodNotAllowed{Method: r.Method, Allow: info.methods})
		})
		// One pattern per missing method, not a method-less pattern, which
		// would conflict with wildcard siblings ("GET /users/{id}").
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
			if !slices.Contains(info.methods, m) {
				rt.mux.Handle(m+" "+path, methodNotAllowed)
			}
		}
	}
	prefixes := make([]string, 0, len(rt.fallbacks))
	for p := range rt.fallbacks {
		prefixes = append(prefixes, p)
	}
	sort.Slice(prefixes, func(i, j int) bool { return len(prefixes[i]) > len(prefixes[j]) })
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, p := range prefixes {
			if strings.HasPrefix(r.URL.Path, p) {
				rt.fallbacks[p].Error(w, r, RouteNotFound{})
				return
			}
		}
		http.NotFound(w, r)
	})
	rt.mux.Handle("/", notFound)
	for _, root := range rt.subtreeRoots {
		rt.mux.Handle(root, notFound)
	}
	mux := rt.mux
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cleanPath(r.URL)
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") && !strings.HasPrefix(p, "/media/") {
			r.URL.Path = strings.TrimRight(p, "/")
			if r.URL.RawPath != "" {
				r.URL.RawPath = strings.TrimRight(r.URL.RawPath, "/")
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// cleanPath resolves "//", "/./" and "/../" in the request's path the way
// ServeMux would before redirecting to the result: here the request is
// served at the cleaned path instead (a redirected POST would lose its
// body), keeping a trailing slash.
func cleanPath(u *url.URL) {
	p := u.Path
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	if clean != u.Path {
		u.Path, u.RawPath = clean, ""
	}
}
