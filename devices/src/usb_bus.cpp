#include "ukpu/devices/usb_bus.hpp"

#include <libusb.h>

#include <memory>

namespace ukpu::devices {

namespace {

struct ContextCloser {
    void operator()(libusb_context* c) const { libusb_exit(c); }
};
using Context = std::unique_ptr<libusb_context, ContextCloser>;

// The device list of libusb_get_device_list, freed (and its references dropped) on scope exit.
class DeviceList {
public:
    explicit DeviceList(libusb_context* ctx) : count_(libusb_get_device_list(ctx, &list_)) {}
    ~DeviceList() {
        if (list_) libusb_free_device_list(list_, 1);
    }
    DeviceList(const DeviceList&) = delete;
    DeviceList& operator=(const DeviceList&) = delete;
    ssize_t count() const { return count_; }
    libusb_device* operator[](ssize_t i) const { return list_[i]; }

private:
    libusb_device** list_ = nullptr;
    ssize_t count_;
};

}  // namespace

std::string usb_speed_text(int libusb_speed) {
    switch (libusb_speed) {
        case LIBUSB_SPEED_LOW:
            return "1.5 Mbit/s (low speed)";
        case LIBUSB_SPEED_FULL:
            return "12 Mbit/s (full speed)";
        case LIBUSB_SPEED_HIGH:
            return "480 Mbit/s (high speed)";
        case LIBUSB_SPEED_SUPER:
            return "5 Gbit/s (SuperSpeed)";
        case LIBUSB_SPEED_SUPER_PLUS:
            return "10 Gbit/s (SuperSpeed+)";
        default:
            return "";
    }
}

UsbScan scan_usb_bus() {
    UsbScan scan;
    libusb_context* raw = nullptr;
    if (const int rc = libusb_init(&raw); rc != 0) {
        scan.note = std::string("libusb could not start (") + libusb_error_name(rc) +
                    "): no USB bus is visible";
        return scan;
    }
    Context ctx(raw);
    DeviceList list(ctx.get());
    if (list.count() < 0) {
        scan.note = std::string("libusb could not list the USB devices (") +
                    libusb_error_name(static_cast<int>(list.count())) + ")";
        return scan;
    }
    scan.consulted = true;
    for (ssize_t i = 0; i < list.count(); ++i) {
        libusb_device* d = list[i];
        std::uint8_t ports[8];
        const int n = libusb_get_port_numbers(d, ports, sizeof ports);
        if (n <= 0) continue;  // root hubs have no port path; disks never hang off them directly
        UsbDeviceSeen seen;
        seen.bus_path = std::to_string(libusb_get_bus_number(d)) + "-";
        for (int p = 0; p < n; ++p) {
            if (p) seen.bus_path += '.';
            seen.bus_path += std::to_string(ports[p]);
        }
        libusb_device_descriptor desc{};
        if (libusb_get_device_descriptor(d, &desc) == 0) {
            seen.vendor_id = desc.idVendor;
            seen.product_id = desc.idProduct;
        }
        seen.speed = usb_speed_text(libusb_get_device_speed(d));
        scan.devices.push_back(std::move(seen));
    }
    if (scan.devices.empty()) scan.note = "libusb sees no USB devices (no USB bus?)";
    return scan;
}

}  // namespace ukpu::devices
