# Feature `multimedia`: audio and hardware video decoding.
{ pkgs, ... }:
{
  environment.systemPackages = with pkgs; [ pipewire ffmpeg vainfo mesa-va-drivers ];
}
