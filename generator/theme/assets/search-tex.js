// Papers Archive search: a query's TeX as a reader types what it shows. Loaded by search.js only
// for a query with `$` or `\`.

const GREEK = new Set(("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi "
  + "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
  + "Upsilon Phi Psi Omega").split(" "));

/**
 * `text` with its TeX undone as generator/search/terms.py's plain_tex undoes a title's:
 * `$\text{Transformer}^2$` is `Transformer2`, `$\pi_0$` is `pi0`, `LLM$\times$MapReduce` is
 * `LLM-MapReduce` (a symbol cuts a compound into parts).
 */
export function plainTex(text) {
  return text.replace(/\\(?:([A-Za-z]+)\*?(\s*\{)?|[,;:! ])/g, (_, name, argument) => {
    if (!name) return "-";
    if (GREEK.has(name)) return name;
    return argument ? "" : "-";
  }).replace(/[$^_{}]/g, "");
}
