// TEMPORARY: removed when catalog.cpp lands.
namespace connecthub::locales {
int kPlaceholder = 0;
}
