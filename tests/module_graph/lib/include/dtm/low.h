// Fixture: a public header of module low.
#pragma once
