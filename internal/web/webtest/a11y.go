package webtest

import (
	_ "embed"

	"github.com/chromedp/chromedp"
)

// axeJS is axe-core (Deque Systems, MPL-2.0; axe/LICENSE), the accessibility
// engine browsers' own audits use. It is vendored because tests must not
// fetch anything: update it with `npm pack axe-core` and copy axe.min.js.
//
//go:embed axe/axe.min.js
var axeJS string

// AccessibilityProblems checks the current page with axe-core against
// WCAG 2.1 A and AA and axe's best practices, plus one house rule axe does
// not have (exactly one h1, so each page says what it is once), and returns
// one line per fault: the rule, what it asks for, and the elements that
// break it. Tests assert that the list is empty.
func (tb *Tab) AccessibilityProblems() []string {
	tb.t.Helper()
	if !run(tb, "AccessibilityProblems() load axe", chromedp.Evaluate[bool](`typeof axe !== "undefined"`)) {
		run(tb, "AccessibilityProblems() load axe", chromedp.Evaluate[bool](axeJS+";true"))
	}
	return run(tb, "AccessibilityProblems()", chromedp.Evaluate[[]string](a11yJS, chromedp.EvalAwaitPromise))
}

const a11yJS = `(async () => {
	const problems = [];
	const h1 = document.querySelectorAll("h1").length;
	if (h1 !== 1) problems.push("the page has " + h1 + " h1 elements, not 1");
	const result = await axe.run(document, {
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
		resultTypes: ["violations"],
	});
	for (const v of result.violations)
		problems.push(v.id + ": " + v.help + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
	return problems;
})()`
