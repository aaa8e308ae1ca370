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

	// HTML is what partials/field draws, made once by settle, each text escaped
	// here: a field drawn by the template cost it a dozen actions, a microsecond or
	// so each, and a search form is ten fields on screens served by the thousand.
	HTML template.HTML
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

// settle draws f: a caption with its 必須 mark, the input (or the group of choices,
// the drop-down, the text area, the value shown), and under it the refusal or else
// the hint; the whole field a <label> around its one input, or a <div>.
func (f *formField) settle(l i18n.Localizer) {
	var b strings.Builder
	esc := html.EscapeString
	wrapper := "label" // around its one input
	if f.Type == "radio" || f.Type == "checkbox" || f.Type == "static" {
		wrapper = "div"
	}
	class := "field"
	if f.Wide {
		class = "field wide"
	}
	b.WriteString("<" + wrapper + ` class="` + class + `">`)
	if f.Label != "" {
		b.WriteString("<span>" + esc(f.Label))
		if f.Required {
			b.WriteString(`<span class="req">` + esc(l.T("form.required")) + "</span>")
		}
		b.WriteString("</span>")
	}
	b.WriteString("\n  ")
	f.writeControl(&b)
	b.WriteString("\n  ")
	switch {
	case f.Error != "":
		b.WriteString(`<div class="error">` + esc(f.Error) + "</div>")
	case f.Hint != "":
		b.WriteString(`<div class="hint">` + esc(f.Hint) + "</div>")
	}
	b.WriteString("</" + wrapper + ">")
	f.HTML = template.HTML(b.String())
}

// writeControl writes what the user fills in or chooses: the group of choices, the
// value shown, the drop-down, the text area or the input.
func (f *formField) writeControl(b *strings.Builder) {
	esc := html.EscapeString
	attrs := string(f.attrs())
	switch f.Type {
	case "radio", "checkbox":
		b.WriteString(`<div class="inline">`)
		for _, o := range f.Options {
			b.WriteString(`<label><input type="` + esc(f.Type) + `" name="` + esc(o.Name) + `" value="` + esc(o.Value) + `"`)
			if o.Checked {
				b.WriteString(" checked")
			}
			b.WriteString("> " + esc(o.Label) + "</label>")
		}
		b.WriteString("</div>")
	case "static":
		b.WriteString("<div")
		if f.ID != "" {
			b.WriteString(` id="` + esc(f.ID) + `"`)
		}
		b.WriteString(">" + esc(f.Value) + "</div>")
	case "select":
		b.WriteString(`<select name="` + esc(f.Name) + `"` + attrs + ">")
		for _, o := range f.Options {
			b.WriteString(`<option value="` + esc(o.Value) + `"`)
			if o.Checked {
				b.WriteString(" selected")
			}
			b.WriteString(">" + esc(o.Label) + "</option>")
		}
		b.WriteString("</select>")
	case "textarea":
		b.WriteString(`<textarea name="` + esc(f.Name) + `"` + attrs + ">" + esc(f.Value) + "</textarea>")
	default:
		b.WriteString(`<input type="` + esc(f.Type) + `" name="` + esc(f.Name) + `"`)
		if f.Type != "password" {
			b.WriteString(` value="` + esc(f.Value) + `"`)
		}
		b.WriteString(attrs + ">")
	}
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
