# devShells: the tools for working on this repository and its projects.
# A shell is plain data (see mxmLib.mkShell): the packages to install and the
# environment to set.
{ mxmLib, ... }:
{
  perSystem =
    { pkgs, ... }:
    {
      devShells = {
        default = mxmLib.mkShell {
          name = "infra";
          packages = [ pkgs.git pkgs.jq pkgs.shellcheck pkgs.yamllint pkgs.openssh-client ];
          environment.STRATA_REPOSITORY = ".";
        };
        python = mxmLib.mkShell {
          name = "python";
          packages = [ pkgs.python3 pkgs.python3-venv pkgs.python3-pip ];
          environment.PYTHONDONTWRITEBYTECODE = "1";
        };
        go = mxmLib.mkShell {
          name = "go";
          packages = [ pkgs.go pkgs.gcc pkgs.make ];
          environment.CGO_ENABLED = "1";
        };
      };
    };
}
