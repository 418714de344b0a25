# Imported by generated hardware configurations for hardware the scan did not
# recognise: allow the firmware such hardware may need.
{ lib, ... }:
{
  hardware.enableRedistributableFirmware = lib.mkDefault true;
}
