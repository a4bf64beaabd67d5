# entitle's decision procedure (LANGUAGE.md §3, revision 2) written in Rego, for regorus.
#
# Query:  data.entitle.decision
# Input:  {"kind": "user" | "key", "principal": "<email or key id>", "product": "<name>"}
# Result: {"allow": bool, "rule": "<§7 rule name>"} plus "group" for the group-* rules.
#
# Data, generated from the resolved model by peers/src/rego.rs (names are the declared ones;
# every field is an entity's own declaration, nothing is precomputed):
#   account          {"global": {product: true}}                 (the account's `global` list)
#   users[email]     {"status": "active" | "pending" | ... | "locked",
#                     "profile": "<profile country code, as written>",
#                     "entitlement_country": "<country>"?       (the Entitlement Country attribute)
#                     "groups": [group, ...] (the user's own order),
#                     "exceptions": {product: "allow" | "deny"}}
#   keys[id]         {"country_in": "<country>"?  (key ID in COUNTRY), "groups": [group, ...]}
#   countries[name]  {"display": "<display name>"?, "covers": [code, ...] (as written),
#                     "revenue": number?,
#                     "entitled": {product: true}?   (absent: every product is entitled),
#                     "default": "allow" | "deny",
#                     "access": {product: "allow" | "deny"}}     (General Access)
#   groups[name]     {"country": name, "allowed": {product: true},
#                     "include_country": bool, "exceptions": {product: "allow" | "deny"}}
#
# The entitlement country (step 2) is computed here from those declarations, in the order of
# §3: the attribute, the profile code by name or display name, by `covers`, the country with
# the highest revenue; for a key its `in`, else its groups' country. Rego iterates
# (comprehensions, `max`), folds case (`lower`) and orders (`else` chains), so unlike Cedar
# it can credit the first allowing group in the principal's own order and name every rule.
#
# (*) An existence test before an assignment from a reference that may be undefined. It is
# redundant in Rego (an assignment from an undefined value fails the body), but regorus
# 0.14.1's RVM lets such a body succeed with an undefined variable, which stops an `else`
# chain with an undefined result; the test makes both regorus paths agree.
package entitle

import rego.v1

principal := data.users[input.principal] if input.kind == "user"

principal := data.keys[input.principal] if input.kind == "key"

# ---------------------------------------------------------------- step 2: entitlement country
# A user: the Entitlement Country attribute "always takes precedence"; then the declared
# country whose name or display name matches the profile code; then the country that
# `covers` it; then the fallback (users only). Codes and names match ignoring case.
# A key: the country of its `in`, else the country of its groups (they share one).
# Undefined when there is none (step 2 denies).
country_name := c if {
	input.kind == "user"
	principal.entitlement_country # (*)
	c := principal.entitlement_country
} else := c if {
	input.kind == "user"
	named_by_profile # (*)
	c := named_by_profile
} else := c if {
	input.kind == "user"
	covering_profile # (*)
	c := covering_profile
} else := c if {
	input.kind == "user"
	fallback # (*)
	c := fallback
} else := c if {
	input.kind == "key"
	principal.country_in # (*)
	c := principal.country_in
} else := c if {
	input.kind == "key"
	some g in principal.groups
	data.groups[g].country # (*)
	c := data.groups[g].country
}

profile := lower(principal.profile)

# The declared country whose name or display name is the profile code (names and display
# names share one namespace, so there is at most one; undefined when none).
named_by_profile := name if {
	some name, _ in data.countries
	lower(name) == profile
}

named_by_profile := name if {
	some name, c in data.countries
	lower(c.display) == profile
}

# The country whose `covers` lists the profile code (a code covered twice is an error).
covering_profile := name if {
	some name, c in data.countries
	some code in c.covers
	lower(code) == profile
}

# The fallback: the country with the highest annual recurring revenue, among those that
# declare one (a tie for the highest is an error, so at most one). None when no country
# declares a revenue: `max` of an empty set is undefined.
fallback := name if {
	some name, c in data.countries
	c.revenue == max(revenues)
}

revenues := {r |
	some c in data.countries
	c.revenue # (*) (a bare number is true in Rego, 0 included)
	r := c.revenue
}

country := data.countries[country_name]

# §3: evaluate in order; the first step that decides names the rule.
decision := {"allow": false, "rule": "status"} if {
	# step 1: a user who is not active is denied: pending, invited, registered, and (r2)
	# locked (keys have no status)
	input.kind == "user"
	principal.status != "active"
} else := {"allow": false, "rule": "no-entitlement-country"} if {
	# step 2: no entitlement country (a user: no attribute, no declared country for the
	# profile code, no country with a revenue; a key: no `in` and no group)
	not country_name
} else := {"allow": false, "rule": "not-entitled"} if {
	# step 3: nothing below can grant a product the country does not entitle (or, r2, the
	# account's `global` list)
	not entitled
} else := {"allow": access == "allow", "rule": "user-exception"} if {
	# step 4: a user exception decides (keys have none)
	principal.exceptions[input.product] # (*)
	access := principal.exceptions[input.product]
} else := d if {
	# step 5: the groups, additive
	group_decision # (*)
	d := group_decision
} else := d if {
	# step 6: General Access, else Default Access
	d := country_level(country_name)
}

# Step 3. No `entitled` list: every declared product. (r2) A `global` product is entitled in
# every country; it still needs an entitlement country (step 2), and groups and the country
# level still decide it below.
entitled if not country.entitled

entitled if country.entitled[input.product]

entitled if data.account.global[input.product]

# Step 5. One verdict per group of the principal, in the principal's own order; a group of
# another country than the entitlement country is ignored. (r2) A key `in C` without a group,
# like any principal without groups, has no verdict and goes on to step 6.
verdicts := [v |
	some name in principal.groups
	data.groups[name].country == country_name
	v := group_verdict(name)
]

# Combination: any ALLOW wins, credited to the first allowing group; else any DENY, credited
# to the first denying group; else (all abstain, or no group) undefined: go on to step 6.
group_decision := {"allow": true, "rule": allows[0].rule, "group": allows[0].group} if {
	allows := [v | some v in verdicts; v.access == "allow"]
	count(allows) > 0
} else := {"allow": false, "rule": denies[0].rule, "group": denies[0].group} if {
	denies := [v | some v in verdicts; v.access == "deny"]
	count(denies) > 0
}

# One group's verdict on the product.
group_verdict(name) := {"access": "allow", "rule": "group-allowed", "group": name} if {
	# allow-list mode, the product is listed
	data.groups[name].allowed[input.product]
} else := {"access": "allow", "rule": "group-include-country", "group": name} if {
	# allow-list mode with include-country, and the country level allows the product
	count(data.groups[name].allowed) > 0
	data.groups[name].include_country
	country_level(data.groups[name].country).allow
} else := {"access": "deny", "rule": "group-not-allowed", "group": name} if {
	# allow-list mode (its legacy exceptions are ignored): neither listed nor included
	count(data.groups[name].allowed) > 0
} else := {"access": access, "rule": "group-exception", "group": name} if {
	# legacy mode (empty list): an exception for the product decides
	data.groups[name].exceptions[input.product] # (*)
	access := data.groups[name].exceptions[input.product]
} else := {"access": "abstain", "group": name} # legacy without an exception for it, or unconfigured

# Step 6. A General Access override for the product decides, else Default Access.
country_level(c) := {"allow": access == "allow", "rule": "product-access"} if {
	data.countries[c].access[input.product] # (*)
	access := data.countries[c].access[input.product]
} else := {"allow": data.countries[c].default == "allow", "rule": "default-access"}
