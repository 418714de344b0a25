# Feature `development`: compilers, editors and the usual command-line tools.
{ pkgs, ... }:
{
  environment.systemPackages = with pkgs; [ build-essential direnv gdb jq neovim ripgrep shellcheck ];
}
