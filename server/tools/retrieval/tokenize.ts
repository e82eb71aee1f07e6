// The one tokenizer used for both passages and queries: fold accents, lowercase, split on
// anything that is not a letter or digit, drop English stopwords, then a light plural stemmer.
// Changing any rule here changes every index: bump TOKENIZER_VERSION so cached indexes rebuild.

export const TOKENIZER_VERSION = 1;

// A standard English stopword list (close to NLTK's), plus question words: queries are mostly
// questions and "who"/"which" carry no topical signal.
const STOPWORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being
  below between both but by can could did do does doing down during each few for from further
  had has have having he her here hers herself him himself his how i if in into is it its itself
  just me more most my myself no nor not now of off on once only or other our ours ourselves out
  over own same she should so some such than that the their theirs them themselves then there
  these they this those through to too under until up very was we were what when where which
  while who whom whose why will with would you your yours yourself yourselves s t d ll m re ve
  also may might must shall us`
    .split(/\s+/)
    .filter(Boolean),
);

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

/**
 * Harman's "S" stemmer (1991): folds regular English plurals and nothing else, so it never
 * merges unrelated words the way aggressive suffix stripping can. Words of three letters or
 * fewer and tokens with digits are kept as they are.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith("ies") && !word.endsWith("eies") && !word.endsWith("aies")) {
    return word.slice(0, -3) + "y";
  }
  if (word.endsWith("es") && !word.endsWith("aes") && !word.endsWith("ees") && !word.endsWith("oes")) {
    return word.slice(0, -1);
  }
  if (word.endsWith("s") && !word.endsWith("us") && !word.endsWith("ss")) {
    return word.slice(0, -1);
  }
  return word;
}

const COMBINING_MARKS = /\p{M}+/gu;
const POSSESSIVE = /['’]s\b/g;
const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** Text → index terms, in order, duplicates kept (BM25 needs term frequencies). */
export function tokenize(text: string): string[] {
  const folded = text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase().replace(POSSESSIVE, "");
  const terms: string[] = [];
  for (const raw of folded.split(SEPARATORS)) {
    if (raw === "" || STOPWORDS.has(raw)) continue;
    terms.push(stem(raw));
  }
  return terms;
}
