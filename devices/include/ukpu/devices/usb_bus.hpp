// What libusb sees on the USB buses: each device's bus number and port path (the sysfs name
// "2-1.4"), vendor and product ids and speed. Used only to enrich what sysfs says about a disk;
// libusb cannot reach block devices, and no device is opened or claimed here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ukpu::devices {

struct UsbDeviceSeen {
    std::string bus_path;  // "2-1.4": bus number, '-', port numbers joined by '.'
    std::uint16_t vendor_id = 0;
    std::uint16_t product_id = 0;
    std::string speed;  // "480 Mbit/s (high speed)"; empty when libusb does not know
};

struct UsbScan {
    bool consulted = false;  // libusb was initialised and listed the buses
    std::string note;        // why nothing is known, when nothing is
    std::vector<UsbDeviceSeen> devices;
};

// Lists the USB devices through libusb. Never throws: a machine without a USB bus (or without
// libusb access) gives an empty scan whose note says why.
UsbScan scan_usb_bus();

// "1.5 Gbit/s"-style text for a libusb speed code; empty for unknown.
std::string usb_speed_text(int libusb_speed);

}  // namespace ukpu::devices
