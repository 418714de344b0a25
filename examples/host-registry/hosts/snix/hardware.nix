# snix hardware: Wi-Fi card (the access point) and USB tethering as uplink.
{
  fleet.travelRouter = {
    apInterface = "wlp1s0";
    uplinkInterface = "enp0s20f0u1";
  };
}
