lib:
{
  distance = [ (lib.strings.levenshtein "foo" "foo") (lib.strings.levenshtein "book" "hook") (lib.strings.levenshtein "hello" "Heyo") (lib.strings.levenshtein "" "abc") (lib.strings.levenshtein "kitten" "sitting") (lib.strings.levenshtein "abc" "") ];
  atMost = [ (lib.strings.levenshteinAtMost 0 "foo" "foo") (lib.strings.levenshteinAtMost 1 "foo" "boa") (lib.strings.levenshteinAtMost 2 "foo" "boa") (lib.strings.levenshteinAtMost 2 "This is a sentence" "this is a sentense.") (lib.strings.levenshteinAtMost 3 "This is a sentence" "this is a sentense.") (lib.strings.levenshteinAtMost 2 "a" "abcd") (lib.strings.levenshteinAtMost 1 "" "") ];
}
