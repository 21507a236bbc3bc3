// ukpu: builds, checks and repairs Intel AMT one-touch USB provisioning keys.
#include "app.hpp"

int main(int argc, char** argv) {
    return ukpu::cli::run(argc, argv);
}
