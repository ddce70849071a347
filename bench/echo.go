package bench

import (
	"net/http"

	"github.com/go-playground/validator/v10"
	"github.com/labstack/echo/v4"
)

// echoItemBody is ItemBody with go-playground/validator tags.
type echoItemBody struct {
	Name     string  `json:"name" validate:"required,min=1,max=50"`
	Price    float64 `json:"price" validate:"required,gt=0,lt=10000"`
	Quantity int     `json:"quantity" validate:"min=0,max=1000"`
	Category string  `json:"category" validate:"required,oneof=food tools toys"`
	SKU      string  `json:"sku" validate:"omitempty,len=8"`
}

type echoItemParams struct {
	ID    int    `param:"id" validate:"min=1"`
	Limit int    `query:"limit" validate:"min=1,max=100"`
	Token string `header:"X-Token" validate:"required"`
}

// echoValidator plugs go-playground/validator into echo's Context.Validate.
type echoValidator struct{ v *validator.Validate }

func (e echoValidator) Validate(i any) error { return e.v.Struct(i) }

// Echo returns the endpoints written with echo v4: Bind for the JSON body,
// the DefaultBinder's BindPathParams, BindQueryParams and BindHeaders for
// the parameters (Bind reads the query only on GET, DELETE and HEAD), and
// Context.Validate with go-playground/validator, with every error collected
// into one 422 {"errors":[{"loc":"body.name","rule":"min"}]}. No
// middleware is installed.
func Echo() http.Handler {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(tagName)
	e := echo.New()
	e.HideBanner = true
	e.Validator = echoValidator{v}
	e.GET("/greetings/:lang", func(c echo.Context) error {
		lang := c.Param("lang")
		text, ok := greetings[lang]
		if !ok {
			return echo.NewHTTPError(http.StatusNotFound, "Greeting not found")
		}
		return c.JSON(http.StatusOK, Greeting{Lang: lang, Text: text})
	})
	binder := &echo.DefaultBinder{}
	e.POST("/items/:id", func(c echo.Context) error {
		var errs []fieldRule
		params := echoItemParams{Limit: 10}
		if err := binder.BindPathParams(c, &params); err != nil {
			errs = append(errs, fieldRule{Loc: "path", Rule: "parse"})
		}
		if err := binder.BindQueryParams(c, &params); err != nil {
			errs = append(errs, fieldRule{Loc: "query", Rule: "parse"})
		}
		if err := binder.BindHeaders(c, &params); err != nil {
			errs = append(errs, fieldRule{Loc: "header", Rule: "parse"})
		}
		if len(errs) == 0 {
			errs = appendParamRules(errs, c.Validate(&params))
		}
		var body echoItemBody
		if err := c.Bind(&body); err != nil {
			errs = append(errs, fieldRule{Loc: "body", Rule: "parse"})
		} else {
			errs = appendRules(errs, "body", c.Validate(&body))
		}
		if len(errs) > 0 {
			return c.JSON(http.StatusUnprocessableEntity, ruleErrors{Errors: errs})
		}
		b := ItemBody(body)
		return c.JSON(http.StatusCreated, newItem(params.ID, params.Limit, &b))
	})
	return e
}

// appendParamRules adds the validation errors of echoItemParams, locating
// each by its source.
func appendParamRules(errs []fieldRule, err error) []fieldRule {
	ve, ok := err.(validator.ValidationErrors)
	if !ok {
		return appendRules(errs, "params", err)
	}
	for _, fe := range ve {
		source := "header"
		switch fe.StructField() {
		case "ID":
			source = "path"
		case "Limit":
			source = "query"
		}
		errs = append(errs, fieldRule{Loc: source + "." + fe.Field(), Rule: fe.Tag()})
	}
	return errs
}
