package errs

// Codes of the checks any input goes through, whatever it is for. A message
// with one of these codes carries no text of its own: each surface words it
// (the DRF surfaces in DRF's words, the web app in plain ones), from the
// code and Arg.
const (
	CodeRequired       = "required"
	CodeNull           = "null"
	CodeBlank          = "blank"
	CodeMaxLength      = "max_length"     // Arg: the most characters allowed
	CodeMinValue       = "min_value"      // Arg: the smallest value allowed
	CodeMaxValue       = "max_value"      // Arg: the largest value allowed
	CodeMaxItems       = "max_items"      // Arg: the most items allowed
	CodeEmptyList      = "empty"          // a list that may not be empty is
	CodeInvalidChoice  = "invalid_choice" // Arg: the value given, as text
	CodeNotString      = "not_a_string"
	CodeNotInteger     = "not_an_integer"
	CodeNotBoolean     = "not_a_boolean"
	CodeNotDateTime    = "not_a_datetime"
	CodeNotList        = "not_a_list"     // Arg: the kind of value given ("str", "int", "dict")
	CodeNotPK          = "incorrect_type" // Arg: the kind of value given
	CodeDoesNotExist   = "does_not_exist" // Arg: the id given
	CodeNullCharacters = "null_characters_not_allowed"
	CodeInvalidEmail   = "invalid_email"
	CodeNoData         = "no_data"    // the body was JSON null
	CodeNotObject      = "not_object" // Arg: the kind of JSON value the body was ("list", "str")
)

// Arg returns the argument a message's wording needs (see the codes).
func (m Msg) Arg() any { return m.arg }

// Generic returns a one-field validation error with a code from the list
// above and its argument.
func Generic(field, code string, arg any) error {
	v := &Invalid{}
	v.FieldArg(field, code, arg)
	return v
}

// FieldArg records a message about field with a code from the list above
// and the argument its wording needs.
func (v *Invalid) FieldArg(field, code string, arg any) {
	v.add(field, Msg{Code: code, arg: arg})
}
