package webtest

import "github.com/chromedp/chromedp"

// AccessibilityProblems checks the current page for the basic faults that
// are cheap to find in the browser, and returns one line per fault:
//   - a form field (input other than hidden or a button, select, textarea)
//     without a label: label[for], a wrapping label, aria-label or
//     aria-labelledby, with some text;
//   - not exactly one h1;
//   - an img without alt (alt="" is right for a decorative image);
//   - no lang on html.
//
// Tests assert that the list is empty.
func (tb *Tab) AccessibilityProblems() []string {
	tb.t.Helper()
	return run(tb, "AccessibilityProblems()", chromedp.Evaluate[[]string](a11yJS))
}

const a11yJS = `(() => {
	const problems = [];
	const text = s => (s || "").trim() !== "";
	const name = el => {
		let s = "<" + el.tagName.toLowerCase();
		for (const a of ["id", "name", "type", "src"])
			if (el.hasAttribute(a)) s += " " + a + "=" + JSON.stringify(el.getAttribute(a));
		return s + ">";
	};
	if (!text(document.documentElement.getAttribute("lang")))
		problems.push("<html> has no lang");
	const h1 = document.querySelectorAll("h1").length;
	if (h1 !== 1) problems.push("the page has " + h1 + " h1 elements, not 1");
	for (const img of document.querySelectorAll("img"))
		if (!img.hasAttribute("alt")) problems.push(name(img) + " has no alt");
	const skip = ["hidden", "submit", "button", "reset", "image"];
	for (const el of document.querySelectorAll("input, select, textarea")) {
		if (el.tagName === "INPUT" && skip.includes(el.type)) continue;
		const labelled = [...el.labels].some(l => text(l.textContent)) ||
			text(el.getAttribute("aria-label")) ||
			(el.getAttribute("aria-labelledby") || "").split(/\s+/)
				.some(id => id && text(document.getElementById(id)?.textContent));
		if (!labelled) problems.push(name(el) + " has no label");
	}
	return problems;
})()`
