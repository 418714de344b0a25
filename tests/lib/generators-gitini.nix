lib:
{
  git = lib.generators.toGitINI {
    user = { name = "Jane"; email = "j@x"; };
    url."git@github.com:".insteadOf = "https://github.com/";
    core.autocrlf = false;
    "quoted\"section".x = 1;
    alias = { co = "checkout"; lg = "log --graph\n\t\"x\""; };
    multi.value = [ "a" "b" ];
    a.b.c.d = 1;
  };
}
