# A -I entry without `name=` is a directory searched for any <name>.
import <sp.nix>
