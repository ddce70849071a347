package bench

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"
)

// ginItemBody is ItemBody with gin's binding tags (go-playground/validator
// rules under the tag name gin uses).
type ginItemBody struct {
	Name     string  `json:"name" binding:"required,min=1,max=50"`
	Price    float64 `json:"price" binding:"required,gt=0,lt=10000"`
	Quantity int     `json:"quantity" binding:"min=0,max=1000"`
	Category string  `json:"category" binding:"required,oneof=food tools toys"`
	SKU      string  `json:"sku" binding:"omitempty,len=8"`
}

type ginItemURI struct {
	ID int `uri:"id" binding:"min=1"`
}

type ginItemQuery struct {
	Limit int `form:"limit,default=10" binding:"min=1,max=100"`
}

type ginItemHeader struct {
	Token string `header:"X-Token" binding:"required"`
}

var ginOnce sync.Once

// Gin returns the endpoints written with gin: ShouldBindUri,
// ShouldBindQuery, ShouldBindHeader and ShouldBind (JSON by Content-Type),
// each validated by gin's go-playground validator, with every source's
// errors collected into one 422 {"errors":[{"loc":"body.name","rule":"min"}]}.
// It runs gin in release mode, without the logger or recovery middleware.
func Gin() http.Handler {
	ginOnce.Do(func() {
		gin.SetMode(gin.ReleaseMode)
		if v, ok := binding.Validator.Engine().(*validator.Validate); ok {
			v.RegisterTagNameFunc(tagName)
		}
	})
	r := gin.New()
	r.GET("/greetings/:lang", func(c *gin.Context) {
		lang := c.Param("lang")
		text, ok := greetings[lang]
		if !ok {
			c.JSON(http.StatusNotFound, gin.H{"error": "Greeting not found"})
			return
		}
		c.JSON(http.StatusOK, Greeting{Lang: lang, Text: text})
	})
	r.POST("/items/:id", func(c *gin.Context) {
		var (
			uri    ginItemURI
			query  ginItemQuery
			header ginItemHeader
			body   ginItemBody
			errs   []fieldRule
		)
		errs = appendRules(errs, "path", c.ShouldBindUri(&uri))
		errs = appendRules(errs, "query", c.ShouldBindQuery(&query))
		errs = appendRules(errs, "header", c.ShouldBindHeader(&header))
		errs = appendRules(errs, "body", c.ShouldBind(&body))
		if len(errs) > 0 {
			c.JSON(http.StatusUnprocessableEntity, ruleErrors{Errors: errs})
			return
		}
		b := ItemBody(body)
		c.JSON(http.StatusCreated, newItem(uri.ID, query.Limit, &b))
	})
	return r
}

// fieldRule is one error in the 422 bodies of gin and echo, which have no
// error body of their own for validation failures.
type fieldRule struct {
	Loc  string `json:"loc"`
	Rule string `json:"rule"`
}

type ruleErrors struct {
	Errors []fieldRule `json:"errors"`
}

// appendRules adds err, from binding one source, to errs: one item per
// failed rule, or one "parse" item when the input could not be decoded.
func appendRules(errs []fieldRule, source string, err error) []fieldRule {
	if err == nil {
		return errs
	}
	var ve validator.ValidationErrors
	if !errors.As(err, &ve) {
		return append(errs, fieldRule{Loc: source, Rule: "parse"})
	}
	for _, fe := range ve {
		errs = append(errs, fieldRule{Loc: source + "." + fe.Field(), Rule: fe.Tag()})
	}
	return errs
}

// tagName names fields as the client sent them: the json, uri, form or
// header name.
func tagName(f reflect.StructField) string {
	for _, tag := range []string{"json", "uri", "form", "header", "param", "query"} {
		if name, _, _ := strings.Cut(f.Tag.Get(tag), ","); name != "" && name != "-" {
			return strings.ToLower(name)
		}
	}
	return f.Name
}
