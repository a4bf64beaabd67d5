//! The fast path for what-if statements (LANGUAGE.md §5), as a file or the REPL and
//! `--what-if` write them: `remove`, `convert`, `clear-exceptions`, `register` and every
//! `set …` statement, with the same contract as the declarations' path
//! ([`super::fast_decls`], whose scanner this extends): a strict subset of the grammar, built
//! into exactly the tree pest's path builds, everything else declined to pest.
//! `tests/fast_path.rs` compares both paths on every statement shape, mutated statements and
//! the fuzz generator's statements, as a file and as statements (`parse_statements`).

use super::ast::*;
use super::fast_decls::Decls;

impl Decls<'_> {
    /// `allow`, `deny` or `inherit` (`None`) after whitespace.
    fn verdict_or_inherit(&mut self) -> Option<Option<Access>> {
        self.s.skip_space();
        match self.s.word() {
            "allow" => Some(Some(Access::Allow)),
            "deny" => Some(Some(Access::Deny)),
            "inherit" => Some(None),
            _ => None,
        }
    }

    /// `inherit` (`None`) or a name, after whitespace.
    fn name_or_inherit(&mut self) -> Option<Option<Name>> {
        self.s.skip_space();
        let at = self.s.at;
        if self.s.word() == "inherit" {
            return Some(None);
        }
        self.s.at = at;
        Some(Some(self.name()?))
    }

    /// `on` or `off` after whitespace.
    fn on_off(&mut self) -> Option<bool> {
        self.s.skip_space();
        match self.s.word() {
            "on" => Some(true),
            "off" => Some(false),
            _ => None,
        }
    }

    /// The what-if statement that `word` starts (LANGUAGE.md §5).
    pub(super) fn whatif(&mut self, word: &str) -> Option<Item> {
        let w = match word {
            "remove" => {
                self.s.skip_space();
                let kind = match self.s.word() {
                    "user" => EntityKind::User,
                    "key" => EntityKind::Key,
                    "group" => EntityKind::Group,
                    "product" => EntityKind::Product,
                    "country" => EntityKind::Country,
                    _ => return None,
                };
                WhatIf::Remove {
                    kind,
                    name: self.principal()?,
                }
            }
            "convert" => WhatIf::Convert(self.name()?),
            "clear-exceptions" => WhatIf::ClearExceptions(self.name()?),
            "register" => {
                // an email or a string (not a name)
                self.s.skip_space();
                let r = self.s.email_or_string()?;
                let email = self.name_at(r);
                self.s.skip_space();
                if self.s.word() != "country" {
                    return None;
                }
                WhatIf::Register {
                    email,
                    code: self.name()?,
                }
            }
            "set" => self.set()?,
            _ => return None,
        };
        Some(Item::WhatIf(w))
    }

    /// The `set …` statements, after `set`.
    fn set(&mut self) -> Option<WhatIf> {
        self.s.skip_space();
        Some(match self.s.word() {
            "default" => WhatIf::SetDefault {
                country: self.name()?,
                access: self.verdict()?,
            },
            "access" => WhatIf::SetAccess {
                country: self.name()?,
                product: self.name()?,
                access: self.verdict_or_inherit()?,
            },
            "status" => WhatIf::SetStatus {
                user: self.principal()?,
                status: self.name()?,
            },
            "entitlement-country" => WhatIf::SetEntitlementCountry {
                user: self.principal()?,
                country: self.name_or_inherit()?,
            },
            "exception" => WhatIf::SetException {
                user: self.principal()?,
                product: self.name()?,
                access: self.verdict_or_inherit()?,
            },
            "group-exception" => WhatIf::SetGroupException {
                group: self.name()?,
                product: self.name()?,
                access: self.verdict_or_inherit()?,
            },
            "member" => WhatIf::SetMember {
                group: self.name()?,
                principal: self.principal()?,
                on: self.on_off()?,
            },
            "allowed" => WhatIf::SetAllowed {
                group: self.name()?,
                product: self.name()?,
                on: self.on_off()?,
            },
            "include-country" => WhatIf::SetIncludeCountry {
                group: self.name()?,
                on: self.on_off()?,
            },
            "entitled" => WhatIf::SetEntitled {
                country: self.name()?,
                product: self.name()?,
                on: self.on_off()?,
            },
            "revenue" => {
                let country = self.name()?;
                // `none`, or a number: the maximal run of identifier characters
                self.s.skip_space();
                let start = self.s.at;
                let revenue = match self.s.word() {
                    "" => return None,
                    "none" => None,
                    _ => Some(self.name_at(start..self.s.at)),
                };
                WhatIf::SetRevenue { country, revenue }
            }
            "global" => WhatIf::SetGlobal {
                product: self.name()?,
                on: self.on_off()?,
            },
            "domain" => {
                let domain = self.domain()?;
                self.s.skip_space();
                let mode = match self.s.word() {
                    "on" => DomainMode::On,
                    "off" => DomainMode::Off,
                    "auto-approve" => DomainMode::AutoApprove,
                    _ => return None,
                };
                WhatIf::SetDomain { domain, mode }
            }
            "key-country" => WhatIf::SetKeyCountry {
                key: self.principal()?,
                country: self.name_or_inherit()?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::fast_decls::tests::takes;

    #[test]
    fn takes_the_plain_statements() {
        for text in [
            "remove user kim@x.io",
            "remove key \"K 1\"\n",
            "convert G # why",
            "clear-exceptions \"G H\";",
            "register new@x.io country US",
            "register \"n x\" country \"GB\"",
            "set default US allow",
            "set access US P inherit",
            "set status K1 invited",
            "set entitlement-country kim@x.io inherit",
            "set entitlement-country kim@x.io inherited",
            "set exception kim@x.io P deny",
            "set group-exception G P inherit",
            "set member G # c\n kim@x.io on",
            "set allowed G P off",
            "set include-country G on",
            "set entitled US P on",
            "set revenue US 1_000",
            "set revenue US none",
            "set revenue US none-x",
            "set global P off",
            "set domain a-b.example auto-approve",
            "set key-country K1 GB",
        ] {
            assert!(takes(text), "{text:?}");
        }
    }

    #[test]
    fn leaves_the_rest_to_pest() {
        for text in [
            "remove users kim@x.io",
            "remove user",
            "remove product \"a\\\"b\"",
            "convert in",
            "register kim country US",
            "register new@x.io US",
            "set",
            "set defaults US allow",
            "set default US maybe",
            "set access US P",
            "set entitlement-country kim@x.io country",
            "set member G kim@x.io yes",
            "set member G kim@x.io onn",
            "set revenue US",
            "set domain a_b on",
            "set domain acme.example auto",
            "set key-country K1",
            "sets default US allow",
        ] {
            assert!(!takes(text), "{text:?}");
        }
    }
}
