//! `simulate` as a library call: apply what-if statements to a working copy, one stage per
//! statement, then compare the first and the last stage and summarise the impact, each
//! statement credited with what it changed (or told why it changed nothing). The command line
//! (`entitle simulate`, `diff`) and the server (`POST /v1/simulate`) both answer with it and
//! only format the result.

use crate::filter::{Filter, FilterError, Selection};
use crate::impact;
use crate::model::Model;
use crate::sim;
use crate::{Errors, Policy};

/// Apply what-if statements one after another to `working` (each statement one stage, named
/// `name(i)` in diagnostics): the model before each stage.
pub fn apply_what_if(
    working: &mut Policy,
    statements: &[String],
    name: &dyn Fn(usize) -> String,
) -> Result<Vec<Model>, Errors> {
    let mut stage_models: Vec<Model> = vec![];
    for (i, stmt) in statements.iter().enumerate() {
        // (one --what-if may hold several statements: it is one stage)
        let before = working.apply_stages(&name(i), stmt)?;
        match before.into_iter().next() {
            Some(m) => stage_models.push(m),
            None => stage_models.push(working.model().clone()),
        }
    }
    Ok(stage_models)
}

/// Compare the first and last of `stages`: the diff and its impact summary (each cause keeps
/// only the changes `sel.limit` lets through: memory does not grow with the number of
/// changes, the counts stay exact).
pub fn compare_stages(
    stages: &[&Model],
    statements: &[String],
    why: &dyn Fn(usize) -> (bool, String),
    sel: &Selection,
    tick: &(dyn Fn(usize) + Sync),
) -> (crate::sim::Diff, impact::Impact) {
    let (old, new) = (stages[0], stages[stages.len() - 1]);
    let cmp = sim::compare(stages, sel, sel.limit, tick);
    let mut imp = impact::impact(&cmp, old, new, sel, !statements.is_empty());
    if !statements.is_empty() {
        imp.statements = impact::statements(&cmp, stages, sel, statements, why);
    }
    (cmp.diff, imp)
}

/// Why `simulate` could not answer.
pub enum SimulateError {
    /// A what-if statement does not parse or apply.
    Statements(Errors),
    /// A filter names something neither policy declares.
    Filter(FilterError),
}

/// `simulate` on a copy of `policy` (which is never changed): the diff between the policy and
/// the policy after `statements`, and its impact summary (each cause keeping the changes the
/// filter's `limit` lets through; the counts are exact). `name(i)` names statement `i` in
/// diagnostics.
pub fn simulate(
    policy: &Policy,
    statements: &[String],
    name: &dyn Fn(usize) -> String,
    filter: &Filter,
) -> Result<(sim::Diff, impact::Impact), SimulateError> {
    let mut working = policy.clone();
    let stage_models = apply_what_if(&mut working, statements, name).map_err(SimulateError::Statements)?;
    let mut models: Vec<&Model> = stage_models.iter().collect();
    models.push(working.model());
    let sel = select_either(models[0], working.model(), filter).map_err(SimulateError::Filter)?;
    let why = |i: usize| impact::why_unchanged(models[i], models[i + 1], &statements[i], models[0], &sel);
    Ok(compare_stages(&models, statements, &why, &sel, &|_| {}))
}

/// A diff's filter is checked on the old policy, and on the new one for names only it has.
pub fn select_either(old: &Model, new: &Model, filter: &Filter) -> Result<Selection, FilterError> {
    filter.resolve(old).or_else(|e| {
        // a name only the new policy has selects nothing the old policy has
        match filter.resolve(new) {
            Ok(s) => Ok(Selection::none_but_new(s)),
            Err(_) => Err(e),
        }
    })
}
