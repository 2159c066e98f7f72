from decimal import Decimal

from billing.models import Plan


def test_landing_shows_public_plans_in_order(platform_client):
    response = platform_client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert [card.code for card in response.context["plans"]] == ["starter", "studio", "pro"]
    assert html.index('data-plan="starter"') < html.index('data-plan="studio"')
    assert html.index('data-plan="studio"') < html.index('data-plan="pro"')
    for price in ("$29", "$79", "$149"):
        assert f'<span class="plan-amount">{price}</span>' in html
    assert "Group classes and waitlists" in html
    assert "Start 14-day free trial" in html


def test_landing_reads_prices_from_the_plan_table(platform_client):
    Plan.objects.filter(code="starter").update(
        monthly_price=Decimal("35.50"), trial_days=30, features=["Unlimited hugs"]
    )
    Plan.objects.filter(code="pro").update(is_public=False)

    html = platform_client.get("/").content.decode()

    assert '<span class="plan-amount">$35.50</span>' in html
    assert "Start 30-day free trial" in html
    assert "Unlimited hugs" in html
    assert 'data-plan="pro"' not in html
    assert '<span class="plan-amount">$149</span>' not in html


def test_landing_has_the_calls_to_action(platform_client):
    html = platform_client.get("/").content.decode()

    assert 'href="/signup/" data-cta="hero"' in html
    assert 'href="/accounts/login/">Log in</a>' in html
    assert 'href="/#pricing">Pricing</a>' in html
    assert 'id="pricing"' in html
    assert 'id="features"' in html


def test_pricing_page_reuses_the_plans(platform_client):
    Plan.objects.filter(code="studio").update(monthly_price=Decimal("89.00"), currency="EUR")

    response = platform_client.get("/pricing/")

    assert response.status_code == 200
    assert '<span class="plan-amount">€89</span>' in response.content.decode()


def test_pricing_plan_link_preselects_the_plan(platform_client):
    response = platform_client.get("/signup/?plan=pro")

    assert response.context["form"]["plan_code"].value() == "pro"
