package docs

import "strings"

// swaggerPage is the Swagger UI page and its policy. Every URL is relative
// to the page; the inline script resolves the ones Swagger UI needs
// absolute against the page's own location. Swagger UI sets styles through
// the DOM, which CSP allows, and adds no <style> element: its stylesheet is
// the only style source.
func swaggerPage(c *mountConfig, title, redirect string) (string, policy) {
	script := "window.ui = SwaggerUIBundle({" +
		"url: new URL(" + jsString(relURL(c.swagger, c.spec)) + ", window.location.href).href, " +
		"dom_id: \"#swagger-ui\", deepLinking: true, persistAuthorization: true, validatorUrl: null, " +
		"oauth2RedirectUrl: new URL(" + jsString(relURL(c.swagger, redirect)) + ", window.location.href).href, " +
		"presets: [SwaggerUIBundle.presets.apis], layout: \"BaseLayout\"});"
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	b.WriteString("<title>" + attr(title) + " - Swagger UI</title>\n")
	b.WriteString(stylesheet(c, swaggerCSS, c.swagger))
	b.WriteString("</head>\n<body>\n<div id=\"swagger-ui\">" + loadingNote(c, "Swagger UI", swaggerJS, c.swagger) + "</div>\n")
	b.WriteString(scriptTag(c, swaggerJS, c.swagger))
	b.WriteString("<script>" + script + "</script>\n</body>\n</html>\n")
	return b.String(), policy{
		scripts: []asset{swaggerJS}, inline: []string{script}, styles: []asset{swaggerCSS},
		images: true, connect: true, external: true,
	}
}

// redirectPage is the page the OAuth2 provider sends the browser back to;
// swagger-ui-dist's script hands the result to the opener, and that is all
// the page may run.
func redirectPage(c *mountConfig, redirect string) (string, policy) {
	return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Swagger UI: OAuth2 Redirect</title>\n</head>\n<body>\n" +
		scriptTag(c, swaggerRedirect, redirect) + "</body>\n</html>\n", policy{scripts: []asset{swaggerRedirect}}
}

// redocPage is the ReDoc page and its policy. It needs no inline script.
// ReDoc styles itself with styled-components, which adds an empty <style>
// element and fills it through the CSSOM (which CSP does not restrict), and
// with one fixed stylesheet (perfect-scrollbar's): the policy allows those
// two <style> elements by their hashes, and no other inline style. It
// searches in a blob: worker.
func redocPage(c *mountConfig, title string) (string, policy) {
	body := "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
		"<title>" + attr(title) + " - ReDoc</title>\n</head>\n<body>\n" +
		"<redoc spec-url=\"" + attr(relURL(c.redoc, c.spec)) + "\">" + loadingNote(c, "ReDoc", redocJS, c.redoc) + "</redoc>\n" +
		scriptTag(c, redocJS, c.redoc) + "</body>\n</html>\n"
	return body, policy{scripts: []asset{redocJS}, styleHashes: redocStyles, images: true, connect: true, worker: true}
}

// loadingNote is what the page shows until its script replaces it: the
// whole page when the script could not load (no network, a blocked CDN),
// with what failed and how to serve the files locally. It needs no script
// of its own, which a page without its assets could not run anyway.
func loadingNote(c *mountConfig, name string, a asset, from string) string {
	return "<p id=\"stdapi-docs-loading\">Loading " + name + "&hellip;</p>" +
		"<p>If this message stays, the browser could not load " + name + "'s script, <code>" +
		attr(c.assets.url(a, from)) + "</code>" +
		" (no network access, a blocked CDN, or a changed file refused by its integrity hash). " +
		"To serve the files from this server instead, mount the docs with " +
		"<code>docs.AssetsFS(os.DirFS(\"node_modules\"))</code> after <code>npm install swagger-ui-dist@" + SwaggerUIVersion +
		" redoc@" + ReDocVersion + "</code>; the stdapi examples take <code>-docs-assets node_modules</code>.</p>"
}

func scriptTag(c *mountConfig, a asset, from string) string {
	return "<script src=\"" + attr(c.assets.url(a, from)) + "\"" + integrity(c, a) + "></script>\n"
}

func stylesheet(c *mountConfig, a asset, from string) string {
	return "<link rel=\"stylesheet\" href=\"" + attr(c.assets.url(a, from)) + "\"" + integrity(c, a) + ">\n"
}

func integrity(c *mountConfig, a asset) string {
	return " integrity=\"" + c.assets.integrity(a) + "\" crossorigin=\"anonymous\""
}
