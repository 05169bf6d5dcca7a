// Fixture: a private header of module low.
#pragma once
