# entitle's decision procedure (LANGUAGE.md §3) written in Rego, for regorus.
#
# Query:  data.entitle.decision
# Input:  {"kind": "user" | "key", "principal": "<email or key id>", "product": "<name>"}
# Result: {"allow": bool, "rule": "<§7 rule name>"} plus "group" for the group-* rules.
#
# Data, generated from the resolved model by peers/src/rego.rs (names are the declared ones):
#   users[email]     {"status": "active" | ..., "country": "<entitlement country>"?,
#                     "groups": [group, ...] (the user's own order),
#                     "exceptions": {product: "allow" | "deny"}}
#   keys[id]         {"country": "<the groups' country>"?, "groups": [group, ...]}
#   countries[name]  {"entitled": {product: true}?   (absent: every product is entitled),
#                     "default": "allow" | "deny",
#                     "access": {product: "allow" | "deny"}}     (General Access)
#   groups[name]     {"country": name, "allowed": {product: true},
#                     "include_country": bool, "exceptions": {product: "allow" | "deny"}}
#
# The entitlement country (step 2) is precomputed, exactly as entitle's own model does when
# it resolves a policy: it is data. Everything else is computed here from each entity's own
# declarations. Rego iterates (comprehensions) and orders (`else` chains), so unlike Cedar it
# can credit the first allowing group in the principal's own order and name every rule.
#
# (*) An existence test before an assignment from a reference that may be undefined. It is
# redundant in Rego (an assignment from an undefined value fails the body), but regorus
# 0.14.1's RVM lets such a body succeed with an undefined variable, which stops an `else`
# chain with an undefined result; the test makes both regorus paths agree.
package entitle

import rego.v1

principal := data.users[input.principal] if input.kind == "user"

principal := data.keys[input.principal] if input.kind == "key"

country := data.countries[principal.country]

# §3: evaluate in order; the first step that decides names the rule.
decision := {"allow": false, "rule": "status"} if {
	# step 1: a user who is not active is denied (keys have no status)
	input.kind == "user"
	principal.status != "active"
} else := {"allow": false, "rule": "no-entitlement-country"} if {
	# step 2: no declared country for the profile code (a key: no group)
	not principal.country
} else := {"allow": false, "rule": "not-entitled"} if {
	# step 3: nothing below can grant a product the country does not entitle
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
	d := country_level(principal.country)
}

# Step 3. No `entitled` list: every declared product.
entitled if not country.entitled

entitled if country.entitled[input.product]

# Step 5. One verdict per group of the principal, in the principal's own order; a group of
# another country than the entitlement country is ignored.
verdicts := [v |
	some name in principal.groups
	data.groups[name].country == principal.country
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
