"""Facts about the seed catalogue that several test files rely on."""

# Every published seed material about DigiD: what a volunteer helping someone log in should find.
DIGID_MATERIALS = {
    "steffie-digid",
    "steffie",
    "digisterker",
    "digisterker-module-gemeente",
    "doe-je-digiding",
    "informatiepunt-digitale-overheid",
}
