package docs

import "strings"

// swaggerPage is the Swagger UI page and its inline script. Every URL is
// relative to the page; the script resolves the ones Swagger UI needs
// absolute against the page's own location.
func swaggerPage(c *mountConfig, title, redirect string) (string, string) {
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
	b.WriteString("</head>\n<body>\n<div id=\"swagger-ui\"></div>\n")
	b.WriteString(scriptTag(c, swaggerJS, c.swagger))
	b.WriteString("<script>" + script + "</script>\n</body>\n</html>\n")
	return b.String(), script
}

// redirectPage is the page the OAuth2 provider sends the browser back to;
// swagger-ui-dist's script hands the result to the opener.
func redirectPage(c *mountConfig, redirect string) string {
	return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Swagger UI: OAuth2 Redirect</title>\n</head>\n<body>\n" +
		scriptTag(c, swaggerRedirect, redirect) + "</body>\n</html>\n"
}

// redocPage is the ReDoc page; it needs no inline script.
func redocPage(c *mountConfig, title string) string {
	return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
		"<title>" + attr(title) + " - ReDoc</title>\n</head>\n<body>\n" +
		"<redoc spec-url=\"" + attr(relURL(c.redoc, c.spec)) + "\"></redoc>\n" +
		scriptTag(c, redocJS, c.redoc) + "</body>\n</html>\n"
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
