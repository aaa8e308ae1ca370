package web

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"inkan/app/domain/form"
	"inkan/app/locale/i18n"
)

// formField is one field of a form as partials/field draws it: the caption with its
// 必須 mark, the input (or a group of radios or checkboxes, or a fixed value), and the
// message under it (the refusal, else the hint).
type formField struct {
	// Type is the input's type, or "textarea", or "radio"/"checkbox" for a group drawn
	// from Options, or "select" for a drop-down of Options, or "static" for a value
	// shown but not edited.
	Type         string
	Name         string
	ID           string
	Label        string
	Required     bool
	Value        string
	Placeholder  string
	MaxLength    int
	InputMode    string
	Autocomplete string
	Autofocus    bool
	// Must is the browser's own required attribute, apart from the 必須 mark.
	Must    bool
	Wide    bool
	Options []fieldOption
	Error   string
	Hint    string
	// MaxBytes, on a file input, is the largest file taken and TooLarge what to say of
	// a larger one: static/upload.js refuses it before sending.
	MaxBytes int
	TooLarge string

	// What the partial draws, worked out once by settle: the template then reads a
	// few fields instead of calling eq and or and sub-templates, which cost it far more
	// (forms sit on busy screens such as 自社利用者照会).
	Input, Group, Static, Textarea, Select bool
	// Labelled is true when the whole field is a <label> around one input.
	Labelled  bool
	ShowValue bool
	Class     string
	// Caption is the label with its 必須 mark, Message the refusal or else the hint,
	// Attrs the input's optional attributes: each written here, its text escaped.
	Caption template.HTML
	Message template.HTML
	Attrs   template.HTMLAttr
}

// fieldOption is one radio or checkbox of a group; a checkbox group's boxes have names
// of their own.
type fieldOption struct {
	Name    string
	Value   string
	Label   string
	Checked bool
}

// attrs are the input's optional attributes (id, placeholder, maxlength, inputmode,
// autocomplete, autofocus, required, aria-invalid), each value escaped. They are
// written here rather than by a conditional per attribute in partials/field: a field
// costs the template a microsecond or so per action, and forms sit on busy screens
// such as 自社利用者照会.
func (f formField) attrs() template.HTMLAttr {
	var b strings.Builder
	attr := func(name, v string) {
		if v != "" {
			b.WriteString(" " + name + `="` + html.EscapeString(v) + `"`)
		}
	}
	attr("id", f.ID)
	attr("placeholder", f.Placeholder)
	if f.MaxLength > 0 {
		attr("maxlength", strconv.Itoa(f.MaxLength))
	}
	attr("inputmode", f.InputMode)
	attr("autocomplete", f.Autocomplete)
	if f.MaxBytes > 0 {
		attr("data-max-bytes", strconv.Itoa(f.MaxBytes))
		attr("data-too-large", f.TooLarge)
	}
	for _, on := range []struct {
		set  bool
		attr string
	}{{f.Autofocus, " autofocus"}, {f.Must, " required"}, {f.Error != "", ` aria-invalid="true"`}} {
		if on.set {
			b.WriteString(on.attr)
		}
	}
	return template.HTMLAttr(b.String())
}

// settle works out what partials/field draws for f.
func (f *formField) settle(l i18n.Localizer) {
	f.Group = f.Type == "radio" || f.Type == "checkbox"
	f.Static = f.Type == "static"
	f.Textarea, f.Select = f.Type == "textarea", f.Type == "select"
	f.Input = !f.Group && !f.Static && !f.Textarea && !f.Select
	f.Labelled = !f.Group && !f.Static
	f.ShowValue = f.Type != "password"
	f.Class = "field"
	if f.Wide {
		f.Class = "field wide"
	}
	if f.Label != "" {
		caption := "<span>" + html.EscapeString(f.Label)
		if f.Required {
			caption += `<span class="req">` + html.EscapeString(l.T("form.required")) + "</span>"
		}
		f.Caption = template.HTML(caption + "</span>")
	}
	switch {
	case f.Error != "":
		f.Message = template.HTML(`<div class="error">` + html.EscapeString(f.Error) + "</div>")
	case f.Hint != "":
		f.Message = template.HTML(`<div class="hint">` + html.EscapeString(f.Hint) + "</div>")
	}
	f.Attrs = f.attrs()
}

// fieldPage is what a form's view gives partials/field: its language and its messages.
type fieldPage interface {
	fieldContext() (i18n.Localizer, form.Errors)
}

func (p *page) fieldContext() (i18n.Localizer, form.Errors) { return p.L, p.Errors }

// fieldSpec is one field of a form built in Go (a search form): its name, the catalog
// key of its label and the options of fieldFunc.
type fieldSpec struct {
	name, label string
	opts        []any
}

// fieldsOf makes the form fields of specs for the page p, in order.
func fieldsOf(p fieldPage, specs []fieldSpec) ([]formField, error) {
	out := make([]formField, len(specs))
	for i, sp := range specs {
		var err error
		if out[i], err = fieldFunc(p, sp.name, sp.label, sp.opts...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// fieldFunc is the template function field: {{template "partials/field" (field $ "name"
// "user.name" "required" true "value" .Form.Name)}}. The options after the label key
// are pairs: type, value, required, placeholder
// (true: the caption; a string: an example), maxlength, inputmode, autocomplete,
// autofocus, must, wide, options, hint (a catalog key), id.
func fieldFunc(p fieldPage, name, labelKey string, opts ...any) (formField, error) {
	l, errs := p.fieldContext()
	f := formField{Type: "text", Name: name}
	if labelKey != "" {
		f.Label = l.T(labelKey)
	}
	if len(opts)%2 != 0 {
		return f, fmt.Errorf("field %s: options come in pairs", name)
	}
	for i := 0; i < len(opts); i += 2 {
		key, _ := opts[i].(string)
		v := opts[i+1]
		ok := true
		switch key {
		case "type":
			f.Type, ok = v.(string)
		case "value":
			f.Value, ok = v.(string)
		case "id":
			f.ID, ok = v.(string)
		case "required":
			f.Required, ok = v.(bool)
		case "placeholder":
			// true: the caption; a string: an example of what to type.
			switch v := v.(type) {
			case bool:
				if v {
					f.Placeholder = f.Label
				}
			case string:
				f.Placeholder = v
			default:
				ok = false
			}
		case "maxlength":
			f.MaxLength, ok = v.(int)
		case "inputmode":
			f.InputMode, ok = v.(string)
		case "autocomplete":
			f.Autocomplete, ok = v.(string)
		case "autofocus":
			f.Autofocus, ok = v.(bool)
		case "must":
			f.Must, ok = v.(bool)
		case "wide":
			f.Wide, ok = v.(bool)
		case "options":
			f.Options, ok = v.([]fieldOption)
		case "hint":
			var k string
			k, ok = v.(string)
			if k != "" {
				f.Hint = l.T(k)
			}
		default:
			return f, fmt.Errorf("field %s: unknown option %q", name, key)
		}
		if !ok {
			return f, fmt.Errorf("field %s: option %s has type %T", name, key, v)
		}
	}
	if msg := errs[name]; msg != "" {
		f.Error = l.T(msg)
	}
	f.settle(l)
	return f, nil
}

// choices are the options of a radio group, each labelled by the catalog key
// prefix+value, the one equal to checked chosen.
func choices(l i18n.Localizer, name, prefix string, values []string, checked string) []fieldOption {
	out := make([]fieldOption, len(values))
	for i, v := range values {
		out[i] = fieldOption{Name: name, Value: v, Label: l.T(prefix + v), Checked: v == checked}
	}
	return out
}
