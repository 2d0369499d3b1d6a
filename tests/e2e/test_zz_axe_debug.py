import pytest
from tests.e2e.test_accessibility import PAGES, AXE, log_in_by_cookie, world  # noqa

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

def run(page, label):
    page.add_script_tag(path=str(AXE))
    r = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    print("\n==", label, "violations", len(r["violations"]))
    for v in r["violations"]:
        print("  VIOL", v["id"], v["help"], len(v["nodes"]), [(n["target"], n["failureSummary"][:200]) for n in v["nodes"][:4]])
    return page

@pytest.mark.django_db(transaction=True)
def test_states(live_server, new_context, world):
    base = live_server.url
    # sanity: a broken page
    p = new_context().new_page(); p.goto(base + "/")
    p.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x><input id=zz><p style=\"color:#aaa\">grey</p>')")
    run(p, "sanity")
    # login error
    p = new_context().new_page(); p.goto(base + "/login/")
    p.locator("input[name=username]").fill("x@example.org"); p.locator("input[name=password]").fill("bad")
    p.locator("form button[type=submit]").last.click(); p.wait_for_load_state()
    run(p, "login error"); p.screenshot(path="/tmp/axeshots/login_err.png", full_page=True)
    # apply error
    p = new_context().new_page(); p.goto(f"{base}/ansoeg/{world.open_round.pk}/")
    p.locator("input[name=email]").fill("notanemail"); p.locator("main form button[type=submit]").first.click(); p.wait_for_load_state()
    run(p, "apply error"); p.screenshot(path="/tmp/axeshots/apply_err.png", full_page=True)
    # signup error (nothing chosen)
    c = new_context(); log_in_by_cookie(c, base, world.actors["practice"]); p = c.new_page()
    p.goto(f"{base}/aktiviteter/hold/{world.future_session.pk}/tilmeld/")
    p.locator("main form button[type=submit]").last.click(); p.wait_for_load_state()
    run(p, "signup error"); p.screenshot(path="/tmp/axeshots/signup_err.png", full_page=True)
    # review error
    c = new_context(); log_in_by_cookie(c, base, world.actors["steering"]); p = c.new_page()
    p.goto(f"{base}/ansoegninger/{world.application.pk}/vurdering/")
    p.locator("main form button[type=submit]").last.click(); p.wait_for_load_state()
    run(p, "review error"); p.screenshot(path="/tmp/axeshots/review_err.png", full_page=True)
    # leader: dropdown open, detail page, round list, claims
    c = new_context(); log_in_by_cookie(c, base, world.actors["leader"]); p = c.new_page()
    p.goto(f"{base}/ansoegninger/{world.application.pk}/")
    p.locator(".dropdown-toggle").first.click()
    run(p, "leader detail + dropdown open"); p.screenshot(path="/tmp/axeshots/leader_detail.png", full_page=True)
    for path in (f"/runder/{world.closed_round.pk}/ansoegninger/", f"/runder/{world.closed_round.pk}/timer/",
                 f"/aktiviteter/{world.activity.pk}/", f"/aktiviteter/hold/{world.future_session.pk}/rediger/",
                 f"/aktiviteter/{world.activity.pk}/rediger/", "/ansoegninger/", "/"):
        p.goto(base + path); run(p, "leader " + path)
    c = new_context(); log_in_by_cookie(c, base, world.actors["practice"]); p = c.new_page()
    for path in ("/", "/ansoegninger/", f"/praksis/{world.practice.pk}/timer/ny/", f"/praksis/{world.practice.pk}/personer/", f"/aktiviteter/{world.activity.pk}/"):
        p.goto(base + path); run(p, "practice " + path)
    c = new_context(locale="en-GB"); p = c.new_page(); p.goto(base + "/"); p.select_option("#language", "en"); p.wait_for_load_state()
    run(p, "english home " + p.evaluate("document.documentElement.lang"))
